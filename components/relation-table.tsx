import { formatDuration, formatNumber } from "@/lib/format";
import type { LatestScan } from "@/lib/store/scans";

function endpoint(target: string, schema: string, table: string, columns: string[]) {
  return (
    <span className="font-mono text-xs">
      <span className="text-zinc-500">{target}:</span>
      {schema}.{table}({columns.join(", ")})
    </span>
  );
}

/** Every relation with its latest count; failed scans say why instead of showing 0. */
export function RelationTable({ scans }: { scans: LatestScan[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="w-full text-sm" data-testid="relations">
        <thead className="bg-zinc-100 text-left text-xs uppercase tracking-wide text-zinc-500 dark:bg-zinc-800/60">
          <tr>
            <th className="px-4 py-2">Relation</th>
            <th className="px-4 py-2">Child → parent</th>
            <th className="px-4 py-2 text-right">Orphans</th>
            <th className="px-4 py-2 text-right">Child rows</th>
            <th className="whitespace-nowrap px-4 py-2 text-right">Took</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {scans.map((s) => (
            <tr key={s.relation} data-relation={s.relation} className="align-top">
              <td className="px-4 py-2">
                <div className="font-medium">{s.relation}</div>
                <div className="text-xs text-zinc-500">{s.origin}</div>
              </td>
              <td className="px-4 py-2">
                {endpoint(s.childTarget, s.childSchema, s.childTable, s.childColumns)}
                <span className="px-1 text-zinc-400">→</span>
                {endpoint(s.parentTarget, s.parentSchema, s.parentTable, s.parentColumns)}
                {s.error && (
                  <div className="mt-1 text-xs text-red-600 dark:text-red-400" data-testid="scan-error">
                    {s.errorKind}: {s.error}
                  </div>
                )}
                {s.indexAdvice && !s.error && (
                  <details className="mt-1 text-xs text-amber-700 dark:text-amber-400">
                    <summary>No index on this key: scans and cleanups will be slow</summary>
                    <pre className="mt-1 whitespace-pre-wrap font-mono">{s.indexAdvice}</pre>
                  </details>
                )}
              </td>
              <td className="tabular whitespace-nowrap px-4 py-2 text-right" data-testid="orphans">
                {s.error ? (
                  <span className="text-red-600 dark:text-red-400">failed</span>
                ) : (
                  <span className={Number(s.orphans) > 0 ? "font-semibold text-amber-700 dark:text-amber-400" : "text-zinc-500"}>
                    {formatNumber(s.orphans)}
                  </span>
                )}
              </td>
              <td className="tabular whitespace-nowrap px-4 py-2 text-right text-zinc-500">{formatNumber(s.childRows)}</td>
              <td className="tabular whitespace-nowrap px-4 py-2 text-right text-xs text-zinc-500">{formatDuration(s.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
