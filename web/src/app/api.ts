// The one way the web talks to the server: the contract's typed client (src/contract/client.ts),
// `api.call(operationId, { params, query, body })` for every read, change and upload (a FormData
// body), with the session's CSRF token on every write and a hook for "the session is gone". A
// changed response schema in the contract changes what every page reads here, so the web's type
// check fails where a page relies on the old shape.
import { ApiError, type Client, type FieldIssue, makeClient } from "../../../src/contract/client.ts";
import type { OperationId } from "../../../src/contract/index.ts";

export { ApiError, type FieldIssue };

/**
 * 401 answers that reject a password or code the user just typed (confirming two-factor enrolment,
 * turning it off) while the session itself is still valid: show them, do not sign the user out.
 */
const CREDENTIAL_CHECK_CODES = new Set(["invalid_credentials", "invalid_totp", "totp_required"]);

/** Calls whose 401 is an answer (no session yet, or signing out), not a session that was lost. */
const SESSIONLESS: ReadonlySet<OperationId> = new Set<OperationId>(["getMe", "login", "logout", "health"]);

export type ApiClient = Client & {
  setCsrfToken(token: string | null): void;
  /** Called when any call answers 401 outside the login flow; returns an unsubscribe function. */
  onUnauthorized(listener: () => void): () => void;
};

type Deps = {
  fetch?: typeof globalThis.fetch;
  baseUrl?: string;
  /** "omit" for the public side, whose calls must not carry a signed-in user's cookie. */
  credentials?: RequestCredentials;
  /** Never report a 401 as a lost session (the public side has no session to lose). */
  anonymous?: boolean;
};

export function makeApiClient({
  fetch = globalThis.fetch.bind(globalThis),
  baseUrl = "",
  credentials = "same-origin",
  anonymous = false,
}: Deps = {}): ApiClient {
  let csrfToken: string | null = null;
  const unauthorizedListeners = new Set<() => void>();
  const client = makeClient({ fetch, baseUrl, credentials, csrfToken: () => csrfToken });

  const call = (async (operationId: OperationId, ...args: never[]) => {
    try {
      return await (client.call as (op: OperationId, ...rest: never[]) => Promise<unknown>)(
        operationId,
        ...args,
      );
    } catch (e) {
      if (
        e instanceof ApiError &&
        e.status === 401 &&
        !anonymous &&
        !SESSIONLESS.has(operationId) &&
        !CREDENTIAL_CHECK_CODES.has(e.code)
      ) {
        for (const listener of unauthorizedListeners) listener();
      }
      throw e;
    }
  }) as Client["call"];

  return {
    call,
    setCsrfToken(token) {
      csrfToken = token;
    },
    onUnauthorized(listener) {
      unauthorizedListeners.add(listener);
      return () => unauthorizedListeners.delete(listener);
    },
  };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
