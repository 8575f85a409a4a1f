// Times are shown in the viewer's own zone; the exact UTC instant is one hover away.

const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const localDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatLocal(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : local.format(d);
}

export function formatLocalDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : localDate.format(d);
}

export function formatUtc(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${d
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "")} UTC`;
}

/** "in 3 days", "2 hours ago" — for token expiry and last use. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 365 * 86400],
    ["month", 30 * 86400],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(seconds, "second");
}

/** A `datetime-local` input value (viewer's zone) as an ISO instant, or undefined when empty. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO 8601 duration (as tiers store lead times) in seconds, or null when it is not one. */
export function durationSeconds(iso: string): number | null {
  const m = DURATION.exec(iso.trim());
  if (!m || iso.trim() === "P" || iso.trim().endsWith("T")) return null;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => (x ? Number(x) : 0)) as number[];
  return (
    (y ?? 0) * 365 * 86400 +
    (mo ?? 0) * 30 * 86400 +
    (w ?? 0) * 7 * 86400 +
    (d ?? 0) * 86400 +
    (h ?? 0) * 3600 +
    (mi ?? 0) * 60 +
    (s ?? 0)
  );
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** Seconds in words: "5 days", "1 day 12 hours", "90 minutes" → "1 hour 30 minutes", 0 → "no time". */
export function formatSeconds(total: number): string {
  if (total <= 0) return "no time";
  const parts: string[] = [];
  let left = Math.round(total);
  for (const [unit, size] of [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
    ["second", 1],
  ] as const) {
    const n = Math.floor(left / size);
    if (n > 0) parts.push(plural(n, unit));
    left -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

/** A lead time before T0 in words: "at T0", "5 days before T0"; an unreadable value as it is. */
export function formatLead(lead: string | number | null): string {
  if (lead === null) return "no lead time";
  const seconds = typeof lead === "number" ? lead : durationSeconds(lead);
  if (seconds === null) return String(lead);
  return seconds <= 0 ? "at T0" : `${formatSeconds(seconds)} before T0`;
}
