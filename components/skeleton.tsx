/**
 * What a page shows while its data loads: the shape of what is coming, not a spinner.
 * Only under a layout that checks the permission first (a page's 403 must be decided
 * before the loading state streams).
 */
export function PageSkeleton({ label }: { label: string }) {
  return (
    <div className="animate-pulse space-y-6" aria-busy="true" aria-label={label}>
      <div className="h-8 w-64 rounded bg-zinc-200 dark:bg-zinc-800" />
      <div className="grid gap-4 sm:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="card h-24" />
        ))}
      </div>
      <div className="card h-72" />
      <p className="text-sm text-zinc-500">{label}</p>
    </div>
  );
}
