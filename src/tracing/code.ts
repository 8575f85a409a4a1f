// The symmetric Tardos code: per advisory a 32-byte secret derives the biases, the keyed placement
// of codeword positions on points, and every recipient's codeword (re-derivable at any time).
import { createHash, createHmac, hash, randomBytes } from "node:crypto";

/**
 * Default bias cutoff t: p_i is drawn from the arcsine density on [t, 1 - t]. Validated by
 * simulation (docs/tracing.md): 0.05 beats 0.01 on every attack but the 3-colluder minority vote.
 */
export const DEFAULT_CUTOFF = 0.05;
/**
 * Cutoff for points that survive normalisation (visible layers): 1/2, so every visible point has
 * bias exactly 1/2. They are few and carry the single-leaker case once invisible marks are stripped;
 * a point at bias p tells at most its entropy about one recipient, which is largest (ln 2) at 1/2, so
 * a stripped copy needs the fewest points there (22 instead of 30 at t = 0.15, `trace capacity`).
 * Against two colluders who pick between their wordings, their two symmetric scores at bias 1/2 sum
 * to twice the number of points where their copies agree, so one of them scores at least that number
 * whatever they pick (twoColludersAtHalf in capacity.ts). What 1/2 gives up is the Tardos guarantee against three or more colluders (a minority
 * vote scores zero on these points); the invisible layer, dense enough for that, keeps t = 0.05.
 * Key files record the value they were made with (0.15 before this change) and are read with it.
 */
export const VISIBLE_CUTOFF = 0.5;

/**
 * A fresh 32-byte secret, or a deterministic one from a seed (tests and demos only).
 * @example newKey("demo").length // 32
 */
export function newKey(seed?: string): Buffer {
  return seed === undefined
    ? randomBytes(32)
    : createHash("sha256").update(`forewarn-trace-key\0${seed}`).digest();
}

// HMAC-SHA256 written out (RFC 2104) with the padded keys kept per key: one derivation per
// recipient copy, and creating an HMAC object each time cost more than rendering the copy.
const PADS = new WeakMap<Uint8Array, { inner: Buffer; outer: Buffer }>();

/** HMAC-SHA256 of a domain-separated label. @example derive(key, "biases").length // 32 */
export function derive(key: Uint8Array, label: string): Buffer {
  if (key.length > 64) return createHmac("sha256", key).update(`forewarn/tracing/v1/${label}`).digest();
  let pads = PADS.get(key);
  if (!pads) {
    const inner = Buffer.alloc(64, 0x36);
    const outer = Buffer.alloc(64, 0x5c);
    for (let k = 0; k < key.length; k++) {
      inner[k]! ^= key[k]!;
      outer[k]! ^= key[k]!;
    }
    pads = { inner, outer };
    PADS.set(key, pads);
  }
  const h = hash(
    "sha256",
    Buffer.concat([pads.inner, Buffer.from(`forewarn/tracing/v1/${label}`, "utf8")]),
    "buffer",
  );
  return hash("sha256", Buffer.concat([pads.outer, h]), "buffer");
}

/** xoshiro128** seeded from 16 bytes: fast, good enough to expand HMAC output into many bits. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: Uint8Array) {
    const v = new DataView(seed.buffer, seed.byteOffset, 16);
    this.a = v.getUint32(0, true) | 0;
    this.b = v.getUint32(4, true) | 0;
    this.c = v.getUint32(8, true) | 0;
    this.d = v.getUint32(12, true) | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }
  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }
  /** Uniform on [0, 1) with 53 bits. */
  next(): number {
    return (this.nextU32() * 2 ** 21 + (this.nextU32() >>> 11)) / 2 ** 53;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A PRNG seeded from a label under a key. @example prngFor(key, "perm").next() < 1 // true */
export function prngFor(key: Uint8Array, label: string): Prng {
  return new Prng(derive(key, label));
}

/**
 * Biases per point: p = sin²(r), r uniform on [r_t, π/2 − r_t] (p = 1/2 where t = 1/2), placed on
 * points through a keyed permutation of codeword positions.
 * @example deriveBiases(newKey("x"), 3).every((p) => p >= 0.01 && p <= 0.99) // true
 */
export function deriveBiases(
  key: Uint8Array,
  points: number,
  cutoff: number | ((point: number) => number) = DEFAULT_CUTOFF,
): Float64Array {
  const rng = prngFor(key, "biases");
  const byPosition = new Float64Array(points);
  for (let k = 0; k < points; k++) byPosition[k] = rng.next();
  const perm = derivePermutation(key, points);
  const out = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const t = typeof cutoff === "number" ? cutoff : cutoff(i);
    // t = 1/2 leaves no interval: the bias is exactly 1/2 (the formula would give 1/2 ± rounding).
    if (t >= 0.5) {
      out[i] = 0.5;
      continue;
    }
    const rt = Math.asin(Math.sqrt(t));
    out[i] = Math.sin(rt + byPosition[perm[i]!]! * (Math.PI / 2 - 2 * rt)) ** 2;
  }
  return out;
}

/**
 * The cutoff of each point of a plan: visible layers use VISIBLE_CUTOFF, the invisible layer `cutoff`.
 * @example deriveBiases(key, plan.points.length, planCutoffs(plan))
 */
export function planCutoffs(
  plan: { points: { layer: string }[] },
  cutoff = DEFAULT_CUTOFF,
  visibleCutoff = VISIBLE_CUTOFF,
): (point: number) => number {
  return (i) => (plan.points[i]!.layer === "invisible" ? cutoff : Math.max(cutoff, visibleCutoff));
}

/** Keyed permutation: point i carries codeword position perm[i]. @example derivePermutation(k, 4).length // 4 */
export function derivePermutation(key: Uint8Array, points: number): Uint32Array {
  const perm = new Uint32Array(points);
  for (let i = 0; i < points; i++) perm[i] = i;
  const rng = prngFor(key, "placement");
  for (let i = points - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i];
    perm[i] = perm[j]!;
    perm[j] = t!;
  }
  return perm;
}

/**
 * The codeword of one recipient in point order: X_i = 1 with probability p_i, independently.
 * Deterministic from the key and the recipient ID.
 * @example codeword(key, "r0001", biases).length === biases.length // true
 */
export function codeword(key: Uint8Array, recipientId: string, biases: Float64Array): Uint8Array {
  const rng = prngFor(key, `recipient/${recipientId}`);
  const x = new Uint8Array(biases.length);
  for (let i = 0; i < biases.length; i++) x[i] = rng.nextU32() / 4294967296 < biases[i]! ? 1 : 0;
  return x;
}

/** Codewords of many recipients. @example codewords(key, ["a", "b"], biases).length // 2 */
export function codewords(key: Uint8Array, ids: readonly string[], biases: Float64Array): Uint8Array[] {
  return ids.map((id) => codeword(key, id, biases));
}

/** Recipient IDs r0001 … rNNNN. @example defaultRecipientIds(2) // ["r0001", "r0002"] */
export function defaultRecipientIds(n: number): string[] {
  const width = Math.max(4, String(n).length);
  return Array.from({ length: n }, (_, i) => `r${String(i + 1).padStart(width, "0")}`);
}
