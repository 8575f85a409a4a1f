// The only reader of process.env: every setting the server and CLI accept, with its default.
import { isIP } from "node:net";
import { z } from "zod";

const boolish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const ConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .describe(
      "PostgreSQL connection URL; when unset the embedded PGlite database in the data folder is used",
    ),
  FOREWARN_DATA_DIR: z
    .string()
    .max(4096)
    .default("./.forewarn")
    .describe("Data folder: the embedded database, the master key and the control socket"),
  FOREWARN_HOST: z.string().max(255).default("127.0.0.1").describe("Address the HTTP server listens on"),
  FOREWARN_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8080)
    .describe("HTTP port (0 picks a free one)"),
  FOREWARN_TRUST_PROXY: boolish
    .default(false)
    .describe("Trust X-Forwarded-* headers (set when behind a TLS-terminating proxy)"),
  FOREWARN_MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,88}$/, "must be 32 bytes, base64 or base64url")
    .optional()
    .describe("Key that encrypts secrets at rest; default: generated once into DATA_DIR/master.key"),
  FOREWARN_SESSION_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 30)
    .default(12)
    .describe("Lifetime of a login session in hours"),
  FOREWARN_REMEDIATION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe("Days from a report's receipt to its remediation deadline"),
  FOREWARN_REPORT_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(20)
    .describe("Vulnerability reports per hour per client address before 429"),
  FOREWARN_PUBLIC_URL: z
    .url()
    .max(500)
    .optional()
    .describe(
      "Public base URL: advisory and invitation links, the Atom feed, CSAF provider metadata and mail use it; default: http://HOST:PORT the server actually listens on (set it behind a proxy)",
    ),
  FOREWARN_WEBHOOKS_ALLOW_PRIVATE: boolish
    .default(false)
    .describe("Accept partner webhook URLs on loopback and private networks (tests and labs only)"),
  FOREWARN_SMTP_URL: z
    .string()
    .max(2048)
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional()
    .describe(
      "SMTP server for release mail (e.g. smtp://user:pass@mail.example:587); when unset, notices wait in the outbox and no copy is mailed",
    ),
  FOREWARN_MAIL_FROM: z
    .string()
    .max(320)
    .default("Forewarn <forewarn@localhost>")
    .describe("From: address of the mail Forewarn sends"),
  FOREWARN_PUBLISHER_NAME: z
    .string()
    .max(200)
    .default("Forewarn programme")
    .describe("Publisher name in advisories, CSAF documents and the feed"),
  FOREWARN_CNA_ORG_ID: z
    .uuid()
    .default("00000000-0000-4000-8000-000000000000")
    .describe("The CNA's organisation UUID for CVE JSON 5 records"),
  FOREWARN_CNA_SHORT_NAME: z
    .string()
    .max(32)
    .default("forewarn")
    .describe("The CNA's short name for CVE JSON 5 records"),
  FOREWARN_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info")
    .describe(
      "Server log level: info logs each audited event (type, actor, subject, never content); debug adds a line per request",
    ),
  FOREWARN_CANARY_DOMAIN: z
    .string()
    .max(200)
    .regex(
      /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i,
      "must be a domain name such as canary.example.org",
    )
    .transform((v) => v.toLowerCase())
    .optional()
    .describe(
      "Domain of DNS canaries: where an author wrote {{canary:dns}}, each recipient's copy gets <token>.DOMAIN (delegate it to the canary DNS server); when unset, copies show the neutral placeholder canary.invalid and the plan preview warns",
    ),
  FOREWARN_CANARY_DNS: z
    .string()
    .max(300)
    .regex(/^(\[[0-9a-fA-F:.]+\]|[0-9.]+):\d{1,5}$/, "must be IP:PORT, e.g. 127.0.0.1:5353 or [::]:53")
    .refine(
      (v) => isIP(v.slice(0, v.lastIndexOf(":")).replace(/^\[|\]$/g, "")) !== 0,
      "the host must be an IP address",
    )
    .refine((v) => Number(v.slice(v.lastIndexOf(":") + 1)) <= 65535, "port must be at most 65535")
    .optional()
    .describe(
      "Address of the canary DNS server `forewarn serve` starts (UDP and TCP), e.g. 0.0.0.0:53; unset: none (needs FOREWARN_CANARY_DOMAIN and FOREWARN_CANARY_ANSWER)",
    ),
  FOREWARN_CANARY_ANSWER: z
    .string()
    .max(200)
    .refine(
      (v) => v.split(",").every((a) => isIP(a.trim()) !== 0),
      "must be IP addresses separated by commas (IPv4 and/or IPv6)",
    )
    .transform((v) => v.split(",").map((a) => a.trim()))
    .optional()
    .describe(
      "Addresses the canary DNS server answers for token names and its own ns.DOMAIN (IPv4 and/or IPv6, comma-separated)",
    ),
  FOREWARN_CANARY_HITS_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(10)
    .describe("Hits stored per canary token per minute; more are counted, not stored, and raise no alert"),
  FOREWARN_CANARY_WEBHOOK_URL: z
    .url()
    .max(2048)
    .optional()
    .describe(
      "Your SIEM's endpoint: every stored canary hit is POSTed there, signed (Standard Webhooks) with FOREWARN_CANARY_WEBHOOK_SECRET",
    ),
  FOREWARN_CANARY_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=_-]{24,200}$/, "must be whsec_ followed by base64 (at least 18 bytes)")
    .optional()
    .describe(
      "Signing secret of the canary webhook (whsec_ + base64), required with FOREWARN_CANARY_WEBHOOK_URL",
    ),
  FOREWARN_PASSWORD: z
    .string()
    .max(1024)
    .optional()
    .describe("Password for `forewarn admin create` (otherwise read from standard input)"),
  TEST_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional()
    .describe("Tests only: a PostgreSQL server on which each test file creates its own database"),
});

export type Config = z.infer<typeof ConfigSchema>;

/** The public URL when FOREWARN_PUBLIC_URL is unset: the address served (a wildcard host reads as loopback). */
export function defaultPublicUrl(host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${h.includes(":") ? `[${h}]` : h}:${port}`;
}

/** The public URL a process without a listening socket (the CLI) uses: the configured one or FOREWARN_HOST:FOREWARN_PORT. */
export function configuredPublicUrl(
  config: Pick<Config, "FOREWARN_PUBLIC_URL" | "FOREWARN_HOST" | "FOREWARN_PORT">,
): string {
  return config.FOREWARN_PUBLIC_URL ?? defaultPublicUrl(config.FOREWARN_HOST, config.FOREWARN_PORT);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means unset, as in most shells' `VAR= command`.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The configuration table for README and `--help`, straight from the schema. */
export function configTable(): { name: string; default: string; description: string }[] {
  return Object.entries(ConfigSchema.shape).map(([name, schema]) => {
    const def = (schema as z.ZodType).safeParse(undefined);
    return {
      name,
      default: def.success && def.data !== undefined ? String(def.data) : "",
      description: (schema as z.ZodType).description ?? "",
    };
  });
}
