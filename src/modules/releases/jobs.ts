// The release engine's job queues and the payload each carries, validated with Zod before a handler
// acts: a malformed job (an old format, a hand-made job) is refused before any read or write.
import { z } from "zod";
import { AppError } from "../../platform/errors.ts";

export const FIRE_WAVE = "releases.fire-wave";
export const PUBLISH = "releases.publish";
export const SEND_WEBHOOK = "releases.webhook";
export const SWEEP = "releases.sweep";

const id = z.string().min(1).max(100);
/** The plan's version when the job was sent: a job of an older version does nothing. */
const version = z.number().int().nonnegative().optional();

export const fireWavePayload = z.object({ waveId: id, version });
export const publishPayload = z.object({ planId: id, version });
export const webhookPayload = z.object({ messageId: id });
export const mailPayload = z.object({ deliveryId: id });

/** The payload as its schema reads it, or a validation_failed error naming the queue and the problems. */
export function jobPayload<T extends z.ZodType>(queue: string, schema: T, data: unknown): z.infer<T> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`);
  throw new AppError("validation_failed", `malformed ${queue} job: ${problems.join("; ")}`, { problems });
}
