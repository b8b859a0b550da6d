/** Numbers and times as people read them. */
export function formatNumber(n: number | bigint | null | undefined): string {
  if (n == null) return "—";
  return Number(n).toLocaleString("en-US");
}

export function formatRelative(date: Date, now = new Date()): string {
  const s = Math.round((now.getTime() - date.getTime()) / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** +1,204 / −37 / 0 */
export function formatSigned(n: number): string {
  if (n === 0) return "0";
  return `${n > 0 ? "+" : "−"}${Math.abs(n).toLocaleString("en-US")}`;
}

/** "in 12 min", "in 3 h" */
export function formatUntil(date: Date, now = new Date()): string {
  const m = Math.round((date.getTime() - now.getTime()) / 60_000);
  if (m < 1) return "in under a minute";
  if (m < 60) return `in ${m} min`;
  const h = Math.round(m / 60);
  return h < 36 ? `in ${h} h` : `in ${Math.round(h / 24)} days`;
}

/** Time left, roughly: "40 s", "12 min", "1.5 h"; "—" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds == null) return "—";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * "5 of 17 relations" once both are known; before the total is known, what is: never
 * "0 of ? relations" (a run that has not told its size yet is "starting").
 */
export function formatProgress(done: number | null | undefined, total: number | null | undefined, noun: string): string {
  if (total != null && total > 0) return `${formatNumber(done ?? 0)} of ${formatNumber(total)} ${noun}`;
  if (done) return `${formatNumber(done)} ${noun} so far`;
  return "starting…";
}
