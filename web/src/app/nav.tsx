// The navigation as data: each capability, where it lives and which actions open it. The server
// decides what a caller may do and lists it in GET /api/me; this only keeps menus free of pages the
// caller cannot use.
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
import type { Action } from "../../../src/contract/enums.ts";

export type NavItem = {
  path: string;
  label: string;
  icon: Icon;
  /** Shown to a caller with any of these actions; empty: to everyone signed in. */
  anyOf: readonly Action[];
  section: "programme" | "forensics" | "administration" | "personal";
};

export const NAV_ITEMS: readonly NavItem[] = [
  { path: "/", label: "Programme overview", icon: IconGauge, anyOf: [], section: "programme" },
  {
    path: "/partners",
    label: "Partners",
    icon: IconHeartHandshake,
    anyOf: ["partners:read", "partner:self"],
    section: "programme",
  },
  {
    path: "/cases",
    label: "Cases",
    icon: IconBug,
    // users:write: the administrator finds here who handles cases and how to create a coordinator.
    anyOf: ["cases:read", "report:own", "users:write"],
    section: "programme",
  },
  {
    path: "/advisories",
    label: "Advisories",
    icon: IconFileDescription,
    // releases:read and partner:self: staff who follow releases, and partners sent to their copies.
    anyOf: ["advisories:read", "releases:read", "partner:self"],
    section: "programme",
  },
  {
    path: "/releases",
    label: "Releases",
    icon: IconCalendarEvent,
    anyOf: ["releases:read", "partner:self"],
    section: "programme",
  },
  {
    path: "/investigations",
    label: "Investigations",
    icon: IconFingerprint,
    // users:write: the administrator finds here who investigates leaks and how to create an investigator.
    anyOf: ["investigations:read", "users:write"],
    section: "forensics",
  },
  {
    path: "/audit",
    label: "Audit log",
    icon: IconListCheck,
    anyOf: ["audit:read"],
    section: "administration",
  },
  { path: "/users", label: "Users", icon: IconUsers, anyOf: ["users:read"], section: "administration" },
  { path: "/account", label: "Account", icon: IconUserCircle, anyOf: [], section: "personal" },
];

export const NAV_SECTIONS: { key: NavItem["section"]; label: string | null }[] = [
  { key: "programme", label: "Programme" },
  { key: "forensics", label: "Forensics" },
  { key: "administration", label: "Administration" },
  { key: "personal", label: null },
];

function opens(item: NavItem, actions: readonly string[]): boolean {
  return item.anyOf.length === 0 || item.anyOf.some((a) => actions.includes(a));
}

export function navFor(actions: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((item) => opens(item, actions));
}

/** Whether a caller with these actions may open the page at `path` (unknown paths: yes). */
export function mayOpen(path: string, actions: readonly string[]): boolean {
  const item = NAV_ITEMS.find((i) => i.path === path);
  return !item || opens(item, actions);
}
