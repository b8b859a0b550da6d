const STYLE: Record<string, string> = {
  complete: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  incomplete: "bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300",
  pending: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
  failed: "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
};
const LABEL: Record<string, string> = { complete: "complete", incomplete: "incomplete", pending: "not verified", failed: "could not verify" };

export function StateBadge({ state }: { state: string }) {
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ${STYLE[state] ?? STYLE.pending}`}>{LABEL[state] ?? state}</span>;
}
