// Who is signed in and what they may do. Asks the server at start and after login (GET /api/me: the
// user, the CSRF token for the API client and the caller's actions), drops back to the login page
// whenever any call answers 401, and forgets every cached read when the user changes.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { Action } from "../../../src/contract/enums.ts";
import type { Output } from "../../../src/contract/index.ts";
import { type ApiClient, ApiError } from "./api.ts";
import type { Session, User } from "./types.ts";

/** GET /api/me: the session and the actions the server allows this caller. */
export type Me = Session;

export type AuthState =
  | { status: "loading" }
  | { status: "anonymous"; reason: "start" | "expired" | "signed_out" }
  | { status: "signed_in"; session: Me }
  | { status: "unreachable"; error: ApiError };

type AuthContextValue = {
  state: AuthState;
  api: ApiClient;
  /** After a successful login: keep its CSRF token and read the caller's actions. */
  signIn(session: Output<"login">): Promise<void>;
  signOut(): Promise<void>;
  /** Re-read /api/me, e.g. after enabling two-factor authentication. */
  refresh(): Promise<void>;
};

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const queryClient = useQueryClient();

  const applySession = useCallback(
    (session: Me) => {
      api.setCsrfToken(session.csrfToken);
      setState((prev) => {
        if (prev.status !== "signed_in" || prev.session.user.id !== session.user.id) queryClient.clear();
        return { status: "signed_in", session };
      });
    },
    [api, queryClient],
  );

  const loadMe = useCallback(async () => {
    try {
      applySession(await api.call("getMe"));
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
      await api.call("logout");
    } catch {
      // The session is dropped here either way; a server that cannot be reached will expire it.
    } finally {
      api.setCsrfToken(null);
      queryClient.clear();
      setState({ status: "anonymous", reason: "signed_out" });
    }
  }, [api, queryClient]);

  const signIn = useCallback(
    async (session: Output<"login">) => {
      api.setCsrfToken(session.csrfToken);
      await loadMe();
    },
    [api, loadMe],
  );

  const value = useMemo<AuthContextValue>(
    () => ({ state, api, signIn, signOut, refresh: loadMe }),
    [state, api, signIn, signOut, loadMe],
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

/** Whether the signed-in caller may do `action`, as GET /api/me says: the UI shows what the server allows. */
export function useCan(action: Action): boolean {
  const { state } = useAuth();
  return state.status === "signed_in" && state.session.actions.includes(action);
}

/** Whether the caller may do any of these actions. */
export function useCanAny(actions: readonly Action[]): boolean {
  const { state } = useAuth();
  return state.status === "signed_in" && actions.some((a) => state.session.actions.includes(a));
}
