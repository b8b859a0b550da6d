/** The mark of a withdrawn request, wherever it is listed. */
export function WithdrawnBadge() {
  return (
    <span className="rounded bg-zinc-200 px-2 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-700 dark:text-zinc-200" data-testid="withdrawn-badge">
      withdrawn
    </span>
  );
}
