import { describe, expect, test } from "vitest";
import { ROLE_ACTIONS, type Role } from "../../../src/authz/actions.ts";
import { mayOpen, navFor } from "./nav.tsx";

/** The menu a role sees, from the actions the server gives it (as GET /api/me lists them). */
const menu = (role: Role) => navFor(ROLE_ACTIONS[role]).map((i) => i.path);

describe("navigation by the caller's actions", () => {
  test("each role sees the pages it works in", () => {
    expect(menu("admin")).toEqual([
      "/",
      "/partners",
      "/cases",
      "/advisories",
      "/releases",
      "/investigations",
      "/audit",
      "/users",
      "/account",
    ]);
    expect(menu("coordinator")).toEqual([
      "/",
      "/partners",
      "/cases",
      "/advisories",
      "/releases",
      "/investigations",
      "/account",
    ]);
    expect(menu("investigator")).toEqual([
      "/",
      "/partners",
      "/cases",
      "/advisories",
      "/releases",
      "/investigations",
      "/account",
    ]);
    expect(menu("auditor")).toEqual(["/", "/partners", "/advisories", "/releases", "/audit", "/account"]);
    expect(menu("partner_admin")).toEqual(["/", "/partners", "/advisories", "/releases", "/account"]);
    expect(menu("partner_analyst")).toEqual(["/", "/partners", "/advisories", "/releases", "/account"]);
    expect(menu("researcher")).toEqual(["/", "/cases", "/account"]);
  });

  test("a page is refused to a caller without its actions, and pages outside the menu are not guarded here", () => {
    expect(mayOpen("/audit", ROLE_ACTIONS.coordinator)).toBe(false);
    expect(mayOpen("/users", ROLE_ACTIONS.auditor)).toBe(false);
    expect(mayOpen("/audit", ROLE_ACTIONS.auditor)).toBe(true);
    expect(mayOpen("/account", [])).toBe(true);
    expect(mayOpen("/elsewhere", [])).toBe(true);
  });
});
