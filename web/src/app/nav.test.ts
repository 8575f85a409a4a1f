import { describe, expect, test } from "vitest";
import { ROLE_ACTIONS, type Role } from "../../../src/authz/actions.ts";
import { mayOpen, navFor } from "./nav.tsx";

/** The menu a role sees, from the actions the server gives it (as GET /api/me lists them). */
const menu = (role: Role) => navFor(ROLE_ACTIONS[role]).map((i) => i.path);

describe("navigation by the caller's actions", () => {
  // Every staff menu starts with the working pages; partners see the directory, advisories and releases.
  const STAFF = ["/", "/partners", "/cases", "/advisories", "/releases", "/investigations"];
  const PARTNER = ["/", "/partners", "/advisories", "/releases"];
  test.each<[Role, string[]]>([
    ["admin", [...STAFF, "/audit", "/users", "/account"]],
    ["coordinator", [...STAFF, "/account"]],
    ["investigator", [...STAFF, "/account"]],
    ["auditor", [...PARTNER, "/audit", "/account"]],
    ["partner_admin", [...PARTNER, "/account"]],
    ["partner_analyst", [...PARTNER, "/account"]],
    ["researcher", ["/", "/cases", "/account"]],
  ])("%s sees the pages it works in", (role, pages) => {
    expect(menu(role)).toEqual(pages);
  });

  test("a page is refused to a caller without its actions, and pages outside the menu are not guarded here", () => {
    expect(mayOpen("/audit", ROLE_ACTIONS.coordinator)).toBe(false);
    expect(mayOpen("/users", ROLE_ACTIONS.auditor)).toBe(false);
    expect(mayOpen("/audit", ROLE_ACTIONS.auditor)).toBe(true);
    expect(mayOpen("/account", [])).toBe(true);
    expect(mayOpen("/elsewhere", [])).toBe(true);
  });
});
