// The one way a page changes something: TanStack Query's useMutation, then the cached reads it
// touched are invalidated, a success notice if the page gives one, and on failure the server's
// message with the next step as a notice and, for a form, each refused field marked on the form.
import { notifications } from "@mantine/notifications";
import { type MutationOptions, type UseMutationResult, useMutation } from "@tanstack/react-query";
import type { ApiClient } from "./api.ts";
import { useApi } from "./auth.tsx";
import { type Notice, reportMutationError } from "./mutationErrors.ts";
import { useInvalidate } from "./query.ts";

/** Mantine dims a titled notice's text below WCAG AA contrast; the next step must stay readable. */
const READABLE = { description: { color: "var(--mantine-color-text)" } };

export type ApiMutationOptions<TVars, TResult> = {
  fn: (vars: TVars, api: ApiClient) => Promise<TResult>;
  /** Paths whose cached reads are stale afterwards (`/api/cases` covers every read under it). */
  invalidates?: readonly string[] | ((result: TResult, vars: TVars) => readonly string[]);
  /** The notice after success; none when absent or when the function returns null. */
  success?: string | ((result: TResult, vars: TVars) => string | null);
  onSuccess?: (result: TResult, vars: TVars) => void;
  /** After the refusal was reported (e.g. clear a code that was wrong, mark the field it was typed in). */
  onError?: (e: unknown, vars: TVars) => void;
  /** A form whose fields a 400's `details.issues` are put on. */
  form?: { setErrors(errors: Record<string, string>): void };
  /** The form's field paths: issues elsewhere stay in the notice only. */
  fields?: readonly string[];
  /** Where the body sits in the form (`rules` when the body is the form's `rules` array). */
  issuePrefix?: string;
};

export type MutationDeps = {
  api: ApiClient;
  invalidate(...prefixes: string[]): Promise<void>;
  show(notice: Notice | { color: "green"; message: string }): void;
};

/** The options useMutation gets: separate from the hook so they are tested without React. */
export function apiMutationOptions<TVars, TResult>(
  opts: ApiMutationOptions<TVars, TResult>,
  deps: MutationDeps,
): MutationOptions<TResult, unknown, TVars> {
  return {
    mutationFn: (vars) => opts.fn(vars, deps.api),
    onSuccess: async (result, vars) => {
      const stale =
        typeof opts.invalidates === "function" ? opts.invalidates(result, vars) : opts.invalidates;
      opts.onSuccess?.(result, vars);
      const message = typeof opts.success === "function" ? opts.success(result, vars) : opts.success;
      if (message) deps.show({ color: "green", message });
      if (stale?.length) await deps.invalidate(...stale);
    },
    onError: (e, vars) => {
      reportMutationError(e, {
        show: deps.show,
        form: opts.form,
        fields: opts.fields,
        issuePrefix: opts.issuePrefix,
      });
      opts.onError?.(e, vars);
    },
  };
}

export function useApiMutation<TVars = void, TResult = unknown>(
  opts: ApiMutationOptions<TVars, TResult>,
): UseMutationResult<TResult, unknown, TVars> {
  const api = useApi();
  const invalidate = useInvalidate();
  return useMutation<TResult, unknown, TVars>(
    apiMutationOptions(opts, {
      api,
      invalidate,
      show: (n) => notifications.show({ ...n, styles: READABLE }),
    }),
  );
}
