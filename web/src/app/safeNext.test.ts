import { expect, test } from "vitest";
import { safeNext } from "./safeNext.ts";

test("follows paths on this site", () => {
  expect(safeNext("/audit?type=user.created")).toBe("/audit?type=user.created");
  expect(safeNext("/account")).toBe("/account");
});

test("never leaves the site or loops back to the login page", () => {
  for (const next of [
    null,
    "",
    "https://evil.example",
    "//evil.example/x",
    "/\\evil.example",
    "/login",
    "/login?next=/x",
  ]) {
    expect(safeNext(next)).toBe("/");
  }
});
