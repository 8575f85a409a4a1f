// The navigation as data: each capability, where it lives and which roles see it.
// The server decides what a role may do; this only keeps menus free of pages a role cannot use.
import {
  type Icon,
  IconBug,
  IconCalendarEvent,
  IconFileDescription,
  IconFingerprint,
  IconGauge,
  IconHeartHandshake,
  IconListCheck,
  IconUserCircle,
  IconUsers,
} from "@tabler/icons-react";
import { ROLES, type Role } from "./types.ts";

export type NavItem = {
  path: string;
  label: string;
  icon: Icon;
  roles: readonly Role[];
  section: "programme" | "forensics" | "administration" | "personal";
};

const STAFF = ["admin", "coordinator", "investigator", "auditor"] as const satisfies readonly Role[];

export const NAV_ITEMS: readonly NavItem[] = [
  { path: "/", label: "Programme overview", icon: IconGauge, roles: ROLES, section: "programme" },
  {
    path: "/partners",
    label: "Partners",
    icon: IconHeartHandshake,
    roles: [...STAFF, "partner_admin", "partner_analyst"],
    section: "programme",
  },
  {
    path: "/cases",
    label: "Cases",
    icon: IconBug,
    roles: ["admin", "coordinator", "investigator", "researcher"],
    section: "programme",
  },
  {
    path: "/advisories",
    label: "Advisories",
    icon: IconFileDescription,
    roles: [...STAFF, "partner_admin", "partner_analyst"],
    section: "programme",
  },
  {
    path: "/releases",
    label: "Releases",
    icon: IconCalendarEvent,
    roles: [...STAFF, "partner_admin", "partner_analyst"],
    section: "programme",
  },
  {
    path: "/investigations",
    label: "Investigations",
    icon: IconFingerprint,
    roles: ["admin", "coordinator", "investigator"],
    section: "forensics",
  },
  {
    path: "/audit",
    label: "Audit log",
    icon: IconListCheck,
    roles: ["admin", "auditor"],
    section: "administration",
  },
  { path: "/users", label: "Users", icon: IconUsers, roles: ["admin"], section: "administration" },
  { path: "/account", label: "Account", icon: IconUserCircle, roles: ROLES, section: "personal" },
];

export const NAV_SECTIONS: { key: NavItem["section"]; label: string | null }[] = [
  { key: "programme", label: "Programme" },
  { key: "forensics", label: "Forensics" },
  { key: "administration", label: "Administration" },
  { key: "personal", label: null },
];

export function navFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.includes(role));
}

export function rolesFor(path: string): readonly Role[] {
  return NAV_ITEMS.find((item) => item.path === path)?.roles ?? ROLES;
}
