// Standard Webhooks signing and the HTTP transport for partner endpoints.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createSecureContext, type SecureContext } from "node:tls";
import { Webhook } from "standardwebhooks";
import { dialOptions } from "../../platform/net.ts";

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Retries go on for this long after the event (then the message is marked failed). */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 3600 * 1000;
/**
 * pg-boss retry options for a webhook job: 60 s doubling (with pg-boss's jitter) up to 2 h between
 * attempts; 20 retries reach past 24 h, where the sender stops on its own.
 */
export const WEBHOOK_RETRY = { retryLimit: 20, retryDelay: 60, retryBackoff: true, retryDelayMax: 7200 };

/**
 * The secret in the form the Standard Webhooks libraries read: `whsec_` + standard base64, which the
 * partner module issues. Secrets issued before that are `whsec_` + base64url: the same bytes, converted.
 */
export function standardSecret(secret: string): string {
  const raw = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(raw) && raw.length % 4 === 0) return `whsec_${raw}`;
  return `whsec_${Buffer.from(raw, "base64url").toString("base64")}`;
}

/** The three Standard Webhooks headers for a message. */
export function signedHeaders(
  secret: string,
  messageId: string,
  at: Date,
  body: string,
): Record<string, string> {
  const signature = new Webhook(standardSecret(secret)).sign(messageId, at, body);
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

export type Transport = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<{ status: number }>;

/**
 * POSTs with node:http(s): no redirects followed, a timeout, the answer body discarded. With
 * `blockPrivate` it connects only to public unicast addresses, whatever the endpoint's name resolves
 * to now; without it, loopback and private networks too (never unspecified, broadcast, link-local).
 */
export function httpTransport(
  opts: { ca?: string | undefined; timeoutMs?: number; blockPrivate?: boolean } = {},
): Transport {
  // One TLS context (trusted roots, or the given CA) for every request: building it per request
  // parsed the certificates again each time (about 1 s of CPU in a 10,000-recipient wave's profile).
  let tls: SecureContext | undefined;
  return (url, headers, body) =>
    new Promise((resolve, reject) => {
      const u = new URL(url);
      const https = u.protocol === "https:";
      const send = https ? httpsRequest : httpRequest;
      if (https) tls ??= createSecureContext(opts.ca ? { ca: opts.ca } : {});
      const req = send(
        u,
        {
          method: "POST",
          headers: {
            ...headers,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "user-agent": "Forewarn-Webhooks/1",
          },
          timeout: opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
          ...(https ? { secureContext: tls } : {}),
          // Every address dialled is checked, literals included, on a fresh connection each time;
          // without `blockPrivate` (labs) loopback and private networks pass, nothing else.
          ...dialOptions(u, { allowPrivate: !opts.blockPrivate }),
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", reject);
      req.end(body);
    });
}
