import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { PRIVILEGE_LABELS, type Privilege } from "@/lib/targets/privileges";
import type { TargetView } from "@/lib/targets/queries";

const PRIVILEGES: Privilege[] = ["select", "update", "delete", "ddl"];
const HEADS: Record<Privilege, string> = { select: "Read", update: "Update", delete: "Delete", ddl: "DDL" };

/** One target: reached or not, its server, where it is (no secret), its protection settings and its user's privileges. */
export function TargetCard({ t }: { t: TargetView }) {
  const missing = t.tables.reduce((n, x) => n + x.missing.length, 0);
  return (
    <section className="card space-y-4 p-4" data-testid="target-card" data-target={t.name}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="flex items-center gap-2 text-lg font-semibold">
          <span className="font-mono">{t.name}</span>
          <StatusBadge status={t.reachable ? "ok" : "failed"} testId="target-reach">
            {t.reachable ? "reachable" : "unreachable"}
          </StatusBadge>
          {t.reachable && missing > 0 && (
            <StatusBadge status="partial" testId="target-missing">
              {missing} privilege{missing === 1 ? "" : "s"} missing
            </StatusBadge>
          )}
        </h2>
        <span className="text-xs text-zinc-500">{t.dialect}</span>
      </div>
      <dl className="grid gap-3 text-sm sm:grid-cols-3">
        <Fact label="Server" value={t.version ?? "—"} testId="target-version" />
        <Fact
          label="Round trip"
          value={t.roundTripMs == null ? "—" : `${t.roundTripMs < 10 ? t.roundTripMs.toFixed(1) : Math.round(t.roundTripMs)} ms`}
          testId="target-rtt"
        />
        <Fact label="Where" value={t.location} testId="target-location" mono />
      </dl>
      {t.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300" data-testid="target-error">
          {t.error}
        </p>
      )}
      <div className="text-sm" data-testid="target-settings">
        <h3 className="font-medium">Protection settings</h3>
        {t.settings.length === 0 ? (
          <p className="text-zinc-500">None beyond the defaults: this target sets no per-target limits in the config file.</p>
        ) : (
          <dl className="mt-1 grid gap-x-4 gap-y-1 sm:grid-cols-[max-content_1fr]">
            {t.settings.map((s) => (
              <div key={s.key} className="contents">
                <dt className="font-mono text-xs text-zinc-500">{s.key}</dt>
                <dd className="font-mono text-xs">{s.value}</dd>
              </div>
            ))}
          </dl>
        )}
      </div>
      {t.reachable &&
        (t.tables.length === 0 ? (
          <p className="text-sm text-zinc-500">No relation reads or cleans up a table here yet: configure one under relations: in the config file.</p>
        ) : (
          <div className="space-y-1">
            <h3 className="text-sm font-medium">Privileges of Custodian&apos;s database user</h3>
            <p className="text-xs text-zinc-500">
              Read from the server&apos;s catalogs. ✓ held, ✗ needed and missing, · not needed by any relation. DDL is needed where a foreign key could prevent
              new orphans.
            </p>
            <Table
              testId="target-privileges"
              columns={["Table", "Relations", ...PRIVILEGES.map((p) => ({ label: HEADS[p], className: "text-center" }))]}
              framed={false}
            >
              {t.tables.map((x) => (
                <tr key={`${x.schema}.${x.table}`} data-table={`${x.schema}.${x.table}`}>
                  <Td className="font-mono text-xs">
                    {x.schema}.{x.table}
                    {x.held && !x.held.exists && <span className="ml-1 text-red-600"> (not found)</span>}
                  </Td>
                  <Td className="text-xs text-zinc-500">{x.relations.join(", ")}</Td>
                  {PRIVILEGES.map((p) => (
                    <Td key={p} className="text-center" data-privilege={p}>
                      <Mark needed={x.needs.includes(p)} held={!!x.held?.exists && x.held[p]} label={PRIVILEGE_LABELS[p]} />
                    </Td>
                  ))}
                </tr>
              ))}
            </Table>
          </div>
        ))}
    </section>
  );
}

function Mark({ needed, held, label }: { needed: boolean; held: boolean; label: string }) {
  if (held)
    return (
      <span className={needed ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-400"} title={`${label}: held`}>
        ✓
      </span>
    );
  if (needed)
    return (
      <span className="font-semibold text-red-600 dark:text-red-400" title={`${label}: needed, missing`} data-missing="true">
        ✗
      </span>
    );
  return (
    <span className="text-zinc-400" title={`${label}: not held, not needed`}>
      ·
    </span>
  );
}

function Fact({ label, value, testId, mono }: { label: string; value: string; testId?: string; mono?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={`break-all ${mono ? "font-mono text-xs" : ""}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
