// The caller of every service method, and the one check each method makes first.
import { AppError, forbidden } from "../platform/errors.ts";
import type { OrganisationId, UserId } from "../platform/ids.ts";
import { type Action, ROLE_ACTIONS, type Role } from "./actions.ts";

export type UserActor = {
  kind: "user";
  userId: UserId;
  email: string;
  role: Role;
  organisationId: OrganisationId;
  via: "session" | "token";
  sessionId?: string;
  tokenId?: string;
  ip?: string;
};
/** The server itself: scheduled jobs and the local CLI run by whoever owns the data folder. */
export type SystemActor = { kind: "system"; name: string };
export type Actor = UserActor | SystemActor;

export const systemActor = (name: string): SystemActor => ({ kind: "system", name });

/** How a row names who acted: the user's ID, or `system:<name>` for a system actor. */
export const actorRef = (actor: Actor): string =>
  actor.kind === "user" ? actor.userId : `system:${actor.name}`;

export function can(actor: Actor, action: Action): boolean {
  if (actor.kind === "system") return true;
  return (ROLE_ACTIONS[actor.role] as readonly Action[]).includes(action);
}

export function authorize(actor: Actor, action: Action): void {
  if (!can(actor, action))
    throw forbidden(`the ${actor.kind === "user" ? actor.role : ""} role may not ${action}`);
}

/**
 * A resource owned by another organisation answers 404, exactly as one that does not exist,
 * so its ID cannot be probed.
 */
export function assertVisible(actor: Actor, ownerOrganisationId: string | null, what: string): void {
  if (actor.kind === "system") return;
  if (ownerOrganisationId !== actor.organisationId) throw new AppError("not_found", `${what} not found`);
}

export function actionsOf(actor: Actor): Action[] {
  return actor.kind === "system" ? [] : [...ROLE_ACTIONS[actor.role]];
}
