/**
 * The colour of a status, the same on every page: a job's or request's status word
 * (statusText), or a pill (StatusBadge). An unknown status stays plain.
 */
type Tone = "good" | "warn" | "bad" | "busy" | "neutral";

const TONE_OF: Record<string, Tone> = {
  completed: "good",
  applied: "good",
  complete: "good",
  ok: "good",
  partial: "warn",
  blocked: "warn",
  awaiting_approval: "warn",
  denied: "warn",
  failed: "bad",
  rejected: "bad",
  incomplete: "bad",
  alert: "bad",
  running: "busy",
  deleting: "busy",
  marked: "busy",
  started: "neutral",
  pending: "neutral",
};

const TEXT: Record<Tone, string> = {
  good: "text-emerald-700 dark:text-emerald-400",
  warn: "text-amber-700 dark:text-amber-400",
  bad: "text-red-600 dark:text-red-400",
  busy: "text-indigo-700 dark:text-indigo-300",
  neutral: "",
};

const PILL: Record<Tone, string> = {
  good: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  warn: "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  bad: "bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300",
  busy: "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300",
  neutral: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
};

export const statusText = (status: string): string => TEXT[TONE_OF[status] ?? "neutral"];

/** A status as a pill; `tone` overrides the status's own colour (a "failed" erasure verification is amber: nothing is known). */
export function StatusBadge({ status, tone, children, testId }: { status: string; tone?: Tone; children?: React.ReactNode; testId?: string }) {
  return (
    <span className={`rounded px-2 py-0.5 text-xs font-medium ${PILL[tone ?? TONE_OF[status] ?? "neutral"]}`} data-testid={testId}>
      {children ?? status}
    </span>
  );
}
