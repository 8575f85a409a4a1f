// What a refused change tells the user: the server's own message, what to do next, and for a 400
// which form fields were at fault. Pure functions, so they are tested without a browser.
import { ApiError, type FieldIssue } from "./api.ts";

/** One sentence on what to do after this error, chosen by its status. */
export function nextStep(e: unknown): string {
  if (!(e instanceof ApiError)) return "Retry; if it happens again, reload the page.";
  if (e.status === 0) return "Check your connection, then retry.";
  if (e.status === 400 || e.status === 422)
    return e.issues.length ? "Correct the marked fields and save again." : "Correct the input and retry.";
  if (e.status === 401) return "Check what you typed and retry.";
  if (e.status === 403) return "Your role may not do this; ask an administrator if you need to.";
  if (e.status === 404) return "It may have been removed or moved; reload the page.";
  if (e.status === 409) return "Reload the page to see the current state, then decide again.";
  if (e.status === 413) return "Choose a smaller file.";
  if (e.status === 429 || e.status === 503)
    return e.retryAfterSeconds ? `Wait ${e.retryAfterSeconds} s, then retry.` : "Wait a moment, then retry.";
  if (e.status >= 500)
    return e.requestId
      ? `Retry; if it fails again, give the operators request ID ${e.requestId}.`
      : "Retry; if it fails again, tell the operators.";
  return "Correct the input and retry.";
}

/**
 * The server's issue paths (JSON pointers such as "/contacts/0/email") as form paths
 * ("contacts.0.email"), each with its message. With `fields`, only issues on those form paths (or
 * under them) are kept: the rest are not on the form and are left to the error message.
 */
export function fieldErrors(
  issues: readonly FieldIssue[],
  fields?: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path
      .split("/")
      .filter(Boolean)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .join(".");
    if (!path) continue;
    // The deepest form path that is the issue's path or holds it.
    const field = fields
      ? [...fields].sort((a, b) => b.length - a.length).find((f) => path === f || path.startsWith(`${f}.`))
      : path;
    if (field === undefined || out[field]) continue;
    out[field] = issue.message;
  }
  return out;
}

export type Notice = { color: "red"; title: string; message: string; autoClose: number };

/**
 * Tell the user about a refused change: field errors onto the form when there is one, and a notice
 * with the server's message and the next step. Returns the notice shown.
 */
export function reportMutationError(
  e: unknown,
  deps: {
    show(notice: Notice): void;
    form?: { setErrors(errors: Record<string, string>): void } | undefined;
    fields?: readonly string[] | undefined;
    /** Prepended to each issue's path: where the request body sits in the form. */
    issuePrefix?: string | undefined;
  },
): Notice {
  if (deps.form && e instanceof ApiError && e.issues.length) {
    const prefix = deps.issuePrefix ? `/${deps.issuePrefix}` : "";
    const issues = e.issues.map((i) => ({ ...i, path: `${prefix}${i.path}` }));
    const errors = fieldErrors(issues, deps.fields);
    if (Object.keys(errors).length) deps.form.setErrors(errors);
  }
  const notice: Notice = {
    color: "red",
    title: e instanceof Error ? e.message : String(e),
    message: nextStep(e),
    autoClose: 10_000,
  };
  deps.show(notice);
  return notice;
}
