import type { CoverageReport } from "@/lib/erasure/coverage";
import { formatRelative } from "@/lib/format";
import { CoverageReview } from "./coverage-review";

/** The coverage report: reference-looking columns no relation connects to a subject, with the DPO's reviews. */
export function CoverageList({ report, mayReview }: { report: CoverageReport; mayReview: boolean }) {
  return (
    <section className="space-y-3" data-testid="coverage">
      <div>
        <h2 className="text-lg font-semibold">Coverage</h2>
        <p className="text-sm text-zinc-500">
          Columns that look like they hold a subject&apos;s reference in tables no relation connects to the subject: a deletion handler forgets them, and
          verification never looks there. Add a relation to the config, or mark the column as not personal data.
        </p>
      </div>
      {report.failures.map((f) => (
        <p key={f.target} className="text-sm text-red-600">
          Target {f.target} could not be read, so its tables are not covered here: {f.error}
        </p>
      ))}
      {report.entries.length === 0 ? (
        <p className="card p-4 text-sm text-zinc-500">Every column that looks like a subject reference is reached by a relation.</p>
      ) : (
        <div className="card divide-y divide-zinc-100 dark:divide-zinc-800">
          {report.entries.map((e) => (
            <div key={`${e.subject}|${e.target}|${e.schema}|${e.table}|${e.column}`} className="space-y-2 p-4" data-testid="coverage-entry">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-mono text-sm">
                  {e.target}.{e.schema}.{e.table}.{e.column}
                </span>
                <span className="text-xs text-zinc-500">
                  {e.dataType || "untyped"} · subject {e.subject} · {e.confidence} confidence
                </span>
              </div>
              <ul className="list-disc pl-5 text-sm text-zinc-600 dark:text-zinc-400">
                {e.evidence.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
              {e.decision ? (
                <p className="text-sm text-emerald-700 dark:text-emerald-400">
                  Not personal data: {e.decision.reason} ({formatRelative(e.decision.decidedAt)})
                </p>
              ) : (
                mayReview && <CoverageReview entry={{ target: e.target, schema: e.schema, table: e.table, column: e.column }} />
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
