// Canary placeholders: where the author wrote `{{canary:dns}}` or `{{canary:url}}` (prose, code blocks
// or text files), each recipient's copy gets a fresh random token (src/modules/canaries/tokens.ts),
// as a host name under FOREWARN_CANARY_DOMAIN or a URL FOREWARN_PUBLIC_URL/c/<token>. The tokens are
// substituted after the copy is fingerprinted (the variation never sees them) and stored by hash in
// the delivery's transaction (deliveries.ts). Staff previews and the public release get the neutral
// placeholders below, never a live token.
import { NEUTRAL_CANARY } from "../advisories/index.ts";
import { type CanaryKind, newCanaryToken } from "../canaries/index.ts";

/** Every placeholder an author may write. */
export const CANARY_PLACEHOLDERS = ["{{canary:dns}}", "{{canary:url}}"] as const;
const PLACEHOLDER = /\{\{canary:(dns|url)\}\}/g;

export { NEUTRAL_CANARY, neutralCanaries } from "../advisories/index.ts";

export type CanaryConfig = {
  /** FOREWARN_CANARY_DOMAIN; without it `{{canary:dns}}` renders the neutral placeholder. */
  domain?: string | undefined;
  /** FOREWARN_PUBLIC_URL (the `/c/<token>` links). */
  publicUrl: string;
};

export type MintedCanary = { kind: CanaryKind; token: string };

/** True when the text holds a placeholder. */
export function hasCanary(text: string): boolean {
  return text.includes("{{canary:");
}

/** Which placeholder kinds a text holds. */
export function canaryKinds(texts: readonly string[]): Set<CanaryKind> {
  const out = new Set<CanaryKind>();
  for (const t of texts) for (const m of t.matchAll(PLACEHOLDER)) out.add(m[1] as CanaryKind);
  return out;
}

/**
 * A substituter for one recipient's copy: every placeholder gets its own fresh token (two
 * placeholders in one copy are two tokens), collected in `minted` for the delivery's transaction.
 * Without a canary domain, `{{canary:dns}}` becomes the neutral placeholder and mints nothing.
 */
export function canarySubstituter(config: CanaryConfig) {
  const base = config.publicUrl.replace(/\/+$/, "");
  const domain = config.domain?.replace(/^\.+|\.+$/g, "").toLowerCase();
  const minted: MintedCanary[] = [];
  const substitute = (text: string): string => {
    if (!hasCanary(text)) return text;
    return text.replace(PLACEHOLDER, (_m, kind: CanaryKind) => {
      if (kind === "dns" && !domain) return NEUTRAL_CANARY.dns;
      const token = newCanaryToken();
      minted.push({ kind, token });
      return kind === "dns" ? `${token}.${domain}` : `${base}/c/${token}`;
    });
  };
  return { substitute, minted };
}
