import Link from "next/link";
import { Sparkline } from "@/components/charts/sparkline";
import { alertBadge } from "@/lib/alerts/describe";
import type { RelationRow } from "@/lib/dashboard/relations";
import { relationHref } from "@/lib/dashboard/href";
import { formatDuration, formatNumber, formatSigned } from "@/lib/format";

function endpoint(target: string, schema: string, table: string, columns: string[]) {
  return (
    <span className="break-all font-mono text-xs">
      <span className="text-zinc-500">{target}:</span>
      {schema}.{table}({columns.join(", ")})
    </span>
  );
}


/** Every relation with its latest count; failed scans say why instead of showing 0. */
export function RelationTable({ rows }: { rows: RelationRow[] }) {
  return (
    <div className="card overflow-x-auto">
      <table className="w-full text-sm" data-testid="relations">
        <thead className="bg-zinc-100 dark:bg-zinc-800/60">
          <tr>
            <th className="th">Relation</th>
            <th className="th min-w-64">Child → parent</th>
            <th className="th text-right">Orphans</th>
            <th className="th text-right">Δ 24h</th>
            <th className="th">7 days</th>
            <th className="th text-right">Child rows</th>
            <th className="th whitespace-nowrap text-right">Took</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map((s) => (
            <tr key={s.relation} data-relation={s.relation} className="align-top">
              <td className="td">
                <Link href={relationHref(s.relation)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  {s.relation}
                </Link>
                <div className="flex flex-wrap gap-1 text-xs text-zinc-500">
                  {s.origin}
                  {s.alerts.map((a) => (
                    <span key={a.kind} className="rounded bg-red-100 px-1.5 font-medium text-red-700 dark:bg-red-950 dark:text-red-300" data-testid="alert-badge">
                      {alertBadge(a.kind)}
                    </span>
                  ))}
                </div>
              </td>
              <td className="td">
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
              <td className="tabular td whitespace-nowrap text-right" data-testid="orphans">
                {s.error ? (
                  <span className="text-red-600 dark:text-red-400">failed</span>
                ) : (
                  <span className={Number(s.orphans) > 0 ? "font-semibold text-amber-700 dark:text-amber-400" : "text-zinc-500"}>{formatNumber(s.orphans)}</span>
                )}
              </td>
              <td className={`tabular td whitespace-nowrap text-right ${s.delta24h && s.delta24h > 0 ? "text-red-600 dark:text-red-400" : "text-zinc-500"}`}>
                {s.delta24h == null ? "—" : formatSigned(s.delta24h)}
              </td>
              <td className="td">
                <Sparkline values={s.spark} />
              </td>
              <td className="tabular td whitespace-nowrap text-right text-zinc-500">{formatNumber(s.childRows)}</td>
              <td className="tabular td whitespace-nowrap text-right text-xs text-zinc-500">{formatDuration(s.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
