import { describe, expect, test, vi } from "vitest";
import { ApiError } from "./api.ts";
import { fieldErrors, nextStep, reportMutationError } from "./mutationErrors.ts";

const refused = (issues: { path: string; message: string }[]) =>
  new ApiError(400, "validation_failed", "invalid request: body.email: Invalid email", "req_1", null, {
    issues,
  });

describe("field errors from a 400's details.issues", () => {
  test("a JSON pointer becomes the form's dotted path, with the server's message", () => {
    expect(
      fieldErrors([
        { path: "/email", message: "Invalid email" },
        { path: "/tiers/1/leadTime", message: "Too long" },
      ]),
    ).toEqual({ email: "Invalid email", "tiers.1.leadTime": "Too long" });
  });

  test("escaped pointer characters are read back (~1 is /, ~0 is ~)", () => {
    expect(fieldErrors([{ path: "/headers/a~1b~0c", message: "bad" }])).toEqual({ "headers.a/b~c": "bad" });
  });

  test("with the form's fields, an issue lands on the deepest field that holds it; others are left out", () => {
    const issues = [
      { path: "/products/0/vendor", message: "Required" },
      { path: "/sections/summary", message: "Too long" },
      { path: "/revision", message: "Expected number" },
    ];
    expect(fieldErrors(issues, ["title", "products", "sections", "sections.summary"])).toEqual({
      products: "Required",
      "sections.summary": "Too long",
    });
  });

  test("the first message for a field wins, and a pointer to the whole body is not a field", () => {
    expect(
      fieldErrors([
        { path: "", message: "Expected object" },
        { path: "/name", message: "first" },
        { path: "/name", message: "second" },
      ]),
    ).toEqual({ name: "first" });
  });
});

describe("what to do next after a refusal", () => {
  test.each([
    [new ApiError(0, "network_error", "Cannot reach"), /connection/],
    [refused([{ path: "/email", message: "x" }]), /marked fields/],
    [new ApiError(400, "bad_request", "bad"), /Correct the input/],
    [new ApiError(403, "forbidden", "no"), /ask an administrator/],
    [new ApiError(404, "not_found", "gone"), /reload the page/],
    [new ApiError(409, "conflict", "changed"), /current state/],
    [new ApiError(429, "rate_limited", "slow", null, 45), /Wait 45 s/],
    [new ApiError(500, "internal", "boom", "req_9"), /request ID req_9/],
    [new Error("plain"), /Retry/],
  ])("%s", (e, expected) => {
    expect(nextStep(e)).toMatch(expected);
  });
});

describe("reporting a refused change", () => {
  test("shows the server's message with the next step and marks the fields on the form", () => {
    const show = vi.fn();
    const form = { setErrors: vi.fn() };
    const notice = reportMutationError(refused([{ path: "/email", message: "Invalid email" }]), {
      show,
      form,
      fields: ["email", "name"],
    });
    expect(form.setErrors).toHaveBeenCalledWith({ email: "Invalid email" });
    expect(show).toHaveBeenCalledWith(notice);
    expect(notice).toMatchObject({
      color: "red",
      title: "invalid request: body.email: Invalid email",
      message: "Correct the marked fields and save again.",
    });
  });

  test("a body that is one of the form's lists has its issues put under that list", () => {
    const form = { setErrors: vi.fn() };
    reportMutationError(refused([{ path: "/1/effect/tier", message: "no such tier" }]), {
      show: vi.fn(),
      form,
      fields: ["rules.0.effect", "rules.1.name", "rules.1.effect"],
      issuePrefix: "rules",
    });
    expect(form.setErrors).toHaveBeenCalledWith({ "rules.1.effect": "no such tier" });
  });

  test("leaves the form alone when no issue is on one of its fields", () => {
    const form = { setErrors: vi.fn() };
    reportMutationError(refused([{ path: "/revision", message: "stale" }]), {
      show: vi.fn(),
      form,
      fields: ["email"],
    });
    expect(form.setErrors).not.toHaveBeenCalled();
  });
});
