import { AgeHistogram } from "@/components/softdelete/age-histogram";
import { PurgeButton } from "@/components/softdelete/purge-button";
import { MissingPrivileges } from "@/components/ui/missing-privileges";
import { formatNumber, formatRelative } from "@/lib/format";
import type { SoftDeleteGauge } from "@/lib/softdelete/gauges";
import type { PrivilegeNeed } from "@/lib/targets/privileges";

/** One soft-delete table: its backlog figures, the age histogram, index advice and (for ops) the purge. */
export function GaugeCard({ g, name, canPurge, missing = [] }: { g: SoftDeleteGauge; name: string; canPurge: boolean; missing?: PrivilegeNeed[] }) {
  if (g.error) {
    return (
      <section className="card p-4" data-table={g.table}>
        <h2 className="font-mono text-sm font-semibold">{name}</h2>
        <p className="mt-2 text-sm text-red-600 dark:text-red-400">Cannot read this table now: {g.error}</p>
      </section>
    );
  }
  return (
    <section className="card space-y-4 p-4" data-table={g.table} data-testid="gauge-card">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-mono text-sm font-semibold">{g.table}</h2>
        <span className="text-xs text-zinc-500">
          column {g.column} · grace {g.graceDays} days · past grace: {g.purge === "redact" ? "PII redacted, row kept" : "hard delete with everything below"}
        </span>
      </div>
      <dl className="grid gap-3 text-sm sm:grid-cols-4">
        <Figure label="Soft-deleted rows" value={formatNumber(g.deleted)} testId="gauge-deleted" />
        <Figure label="Past grace (pending hard delete)" value={formatNumber(g.pending)} testId="gauge-pending" bad={g.alert} />
        <Figure label="Oldest pending" value={g.oldestPendingAt ? formatRelative(new Date(g.oldestPendingAt)) : "—"} />
        <Figure label="Alert above" value={formatNumber(g.alertAt)} />
      </dl>
      {g.alert && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300" data-testid="gauge-alert">
          {formatNumber(g.pending)} rows wait past grace, more than the {formatNumber(g.alertAt)} allowed: run a purge or schedule one (
          <code>schedule.purge</code>).
        </p>
      )}
      {g.deleted === 0 ? (
        <p className="text-sm text-zinc-500">No soft-deleted row: nothing to chart.</p>
      ) : (
        <AgeHistogram buckets={g.histogram} graceDays={g.graceDays} />
      )}
      <div className="space-y-1 text-sm" data-testid="index-advice">
        <p>
          {g.columnIndexed ? "✓" : "✗"} <span className="font-mono">{g.column}</span> is{" "}
          {g.columnIndexed ? "indexed" : "not indexed: counting the backlog and finding rows past grace scan the whole table"}
        </p>
        {g.columnIndexStatement && <Ddl sql={g.columnIndexStatement} />}
        {g.unique.map((u) => (
          <div key={u.column}>
            <p>
              {u.partialUnique ? "✓" : "✗"} <span className="font-mono">{u.column}</span>{" "}
              {u.partialUnique
                ? `is unique among live rows only (a partial unique index WHERE ${g.column} IS NULL): a deleted account's value can be registered again`
                : `has no partial unique index over live rows (WHERE ${g.column} IS NULL): a full unique index blocks re-registration, none allows duplicates`}
            </p>
            {!u.partialUnique &&
              (u.statement ? (
                <Ddl sql={u.statement} />
              ) : (
                <p className="text-xs text-zinc-500">
                  This database has no partial indexes (MySQL, MariaDB): enforce it with a generated column that is NULL for deleted rows and a unique index on
                  it.
                </p>
              ))}
          </div>
        ))}
      </div>
      {canPurge && <MissingPrivileges missing={missing} work="purge" />}
      {canPurge && <PurgeButton table={name} pending={g.pending} blocked={missing.length > 0} />}
    </section>
  );
}

function Ddl({ sql }: { sql: string }) {
  return <pre className="overflow-x-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800">{sql};</pre>;
}

function Figure({ label, value, testId, bad }: { label: string; value: string; testId?: string; bad?: boolean }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={`tabular text-xl font-semibold ${bad ? "text-red-600 dark:text-red-400" : ""}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
