/**
 * Where to go after signing in, from the `next` query parameter. Only paths on this site are
 * followed, so a crafted link cannot send a user who just signed in to another site.
 */
export function safeNext(next: string | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next === "/login" || next.startsWith("/login?") || next.startsWith("/login/")) return "/";
  return next;
}
