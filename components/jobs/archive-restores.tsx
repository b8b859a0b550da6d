import type { ArchiveRestore } from "@/lib/cleanup/restore-log";
import { formatNumber, formatRelative } from "@/lib/format";

/** What each restore of a job's archive put back, by whom and when (newest first). */
export function ArchiveRestores({ restores, who }: { restores: ArchiveRestore[]; who: (uid: string | null) => string }) {
  if (!restores.length) return null;
  return (
    <section className="card space-y-2 p-4" data-testid="archive-restores">
      <h2 className="text-sm font-semibold">Put back from the archive</h2>
      <ul className="space-y-2 text-sm">
        {restores.map((r) => (
          <li key={`${r.by}-${r.at.toISOString()}`}>
            <p>
              {formatNumber(r.rows)} {r.rows === 1 ? "row" : "rows"} restored by {r.by ? who(r.by) : "someone (not recorded)"}{" "}
              <time dateTime={r.at.toISOString()} title={r.at.toISOString()}>
                {formatRelative(r.at)} ({r.at.toISOString().slice(0, 16).replace("T", " ")} UTC)
              </time>
            </p>
            <ul className="ml-4 list-disc text-zinc-600 dark:text-zinc-400">
              {r.tables.map((t) => (
                <li key={t.table}>
                  <span className="font-mono">{t.table}</span>: {formatNumber(t.rows)}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
