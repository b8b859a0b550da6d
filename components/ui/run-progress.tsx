/** The bar and words of a run in progress; before a worker takes it, an empty bar and "waiting for a worker…". */
export function RunProgress({ run, label, testId }: { run?: { status: string; done: number; total: number | null }; label: string; testId: string }) {
  const pct = run?.total ? Math.round((100 * run.done) / run.total) : 0;
  return (
    <div className="flex items-center gap-2 text-sm text-zinc-500" data-testid={testId} role="status">
      <div className="h-2 w-40 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
        <div className="h-full bg-indigo-500 transition-all" style={{ width: `${run?.status === "running" ? Math.max(pct, 3) : 0}%` }} />
      </div>
      {run?.status === "running" ? label : "waiting for a worker…"}
    </div>
  );
}
