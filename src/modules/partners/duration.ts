// ISO 8601 durations for tier lead times: P5D, P1D, PT12H, PT30S, P1W, PT0S. Years and months are
// refused because their length in seconds depends on the calendar.

const RE = /^P(?:(\d{1,4})W)?(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?(?:(\d{1,8})S)?)?$/;

/** Seconds in an ISO 8601 duration, or an error message naming what is wrong. */
export function parseDuration(text: string): { seconds: number } | { error: string } {
  if (text.startsWith("P") && /[YM]/.test(text.split("T")[0] ?? ""))
    return { error: `lead time "${text}" uses years or months; use weeks, days, hours, minutes or seconds` };
  const m = RE.exec(text);
  if (!m || text === "P" || text.endsWith("T"))
    return { error: `lead time "${text}" is not an ISO 8601 duration such as P5D, P1D, PT12H or PT0S` };
  const [, w, d, h, mi, s] = m.map((x) => Number(x ?? 0));
  return {
    seconds: (w ?? 0) * 604_800 + (d ?? 0) * 86_400 + (h ?? 0) * 3_600 + (mi ?? 0) * 60 + (s ?? 0),
  };
}

/** Seconds as a canonical ISO 8601 duration (days, then a time part), e.g. 90061 → P1DT1H1M1S. */
export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
  if (!d && !time) return "PT0S";
  return `P${d ? `${d}D` : ""}${time ? `T${time}` : ""}`;
}
