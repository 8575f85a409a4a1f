// Who is signed in. Asks the server once at start (GET /api/me), keeps the CSRF token for the
// API client, and drops back to the login page whenever any call answers 401.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { type ApiClient, ApiError } from "./api.ts";
import type { Session, User } from "./types.ts";

export type AuthState =
  | { status: "loading" }
  | { status: "anonymous"; reason: "start" | "expired" | "signed_out" }
  | { status: "signed_in"; session: Session }
  | { status: "unreachable"; error: ApiError };

type AuthContextValue = {
  state: AuthState;
  api: ApiClient;
  /** Store the session returned by a successful login. */
  signIn(session: Session): void;
  signOut(): Promise<void>;
  /** Re-read /api/me, e.g. after enabling two-factor authentication. */
  refresh(): Promise<void>;
};

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });

  const applySession = useCallback(
    (session: Session) => {
      api.setCsrfToken(session.csrfToken);
      setState({ status: "signed_in", session });
    },
    [api],
  );

  const loadMe = useCallback(async () => {
    try {
      applySession(await api.get<Session>("/api/me", { expectUnauthorized: true }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        api.setCsrfToken(null);
        setState((prev) => ({
          status: "anonymous",
          reason: prev.status === "signed_in" ? "expired" : "start",
        }));
      } else if (e instanceof ApiError) {
        setState({ status: "unreachable", error: e });
      } else {
        throw e;
      }
    }
  }, [api, applySession]);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);

  useEffect(
    () =>
      api.onUnauthorized(() => {
        api.setCsrfToken(null);
        setState((prev) => (prev.status === "signed_in" ? { status: "anonymous", reason: "expired" } : prev));
      }),
    [api],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post("/api/auth/logout", undefined, { expectUnauthorized: true });
    } catch {
      // The session is dropped here either way; a server that cannot be reached will expire it.
    } finally {
      api.setCsrfToken(null);
      setState({ status: "anonymous", reason: "signed_out" });
    }
  }, [api]);

  const value = useMemo<AuthContextValue>(
    () => ({ state, api, signIn: applySession, signOut, refresh: loadMe }),
    [state, api, applySession, signOut, loadMe],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth() outside <AuthProvider>");
  return ctx;
}

export function useApi(): ApiClient {
  return useAuth().api;
}

/** The signed-in user; only for pages rendered inside the signed-in shell. */
export function useCurrentUser(): User {
  const { state } = useAuth();
  if (state.status !== "signed_in") throw new Error("useCurrentUser() while not signed in");
  return state.session.user;
}
