import type { Store } from "../store/client";
import { activeAlerts } from "../alerts/evaluate";
import { lastSweep, latestScans } from "../store/scans";
import { latestBacklog } from "../softdelete/stored-backlog";

/** A label value escaped as the exposition format requires (backslash, quote, newline). */
export function labelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labels(l: Record<string, string>): string {
  if (Object.keys(l).length === 0) return "";
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${labelValue(v)}"`)
    .join(",")}}`;
}

/**
 * Prometheus text exposition (version 0.0.4) of the latest stored scans and active
 * alerts. A relation whose last scan failed has no orphan sample (never a 0) and
 * custodian_scan_failed 1.
 */
export async function metricsText(store: Store): Promise<string> {
  const [scans, alerts, sweep, backlog] = await Promise.all([latestScans(store), activeAlerts(store), lastSweep(store), latestBacklog(store)]);
  const out: string[] = [];
  const family = (name: string, type: "gauge" | "counter", help: string, samples: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) out.push(`${name}${labels(l)} ${Number.isFinite(v) ? v : "NaN"}`);
  };
  const rel = (s: (typeof scans)[number]) => ({
    relation: s.relation,
    origin: s.origin,
    child: `${s.childTarget}.${s.childSchema}.${s.childTable}`,
    parent: `${s.parentTarget}.${s.parentSchema}.${s.parentTable}`,
  });
  family(
    "custodian_orphans",
    "gauge",
    "Orphaned child rows found by the latest successful scan of each relation.",
    scans.filter((s) => s.orphans != null).map((s) => [rel(s), Number(s.orphans)]),
  );
  family(
    "custodian_child_rows",
    "gauge",
    "Child rows examined by the latest scan.",
    scans.filter((s) => s.childRows != null).map((s) => [rel(s), Number(s.childRows)]),
  );
  family(
    "custodian_scan_failed",
    "gauge",
    "1 when the latest scan of the relation failed.",
    scans.map((s) => [{ relation: s.relation }, s.error ? 1 : 0]),
  );
  family(
    "custodian_scan_duration_seconds",
    "gauge",
    "How long the latest scan took.",
    scans.map((s) => [{ relation: s.relation }, s.durationMs / 1000]),
  );
  family(
    "custodian_scan_timestamp_seconds",
    "gauge",
    "When the latest scan ran (Unix time).",
    scans.map((s) => [{ relation: s.relation }, Math.floor(s.scannedAt.getTime() / 1000)]),
  );
  const gauges = (backlog?.gauges ?? []).filter((g) => !g.error);
  const measuredAt = backlog ? new Date(backlog.measuredAt).getTime() : 0;
  family(
    "custodian_softdelete_rows",
    "gauge",
    "Rows soft-deleted (stamped, not yet purged) per soft-delete table, as the latest sweep measured them.",
    gauges.map((g) => [{ table: g.table }, g.deleted]),
  );
  family(
    "custodian_softdelete_pending",
    "gauge",
    "Soft-deleted rows past their grace period, waiting for a purge.",
    gauges.map((g) => [{ table: g.table }, g.pending]),
  );
  family(
    "custodian_softdelete_oldest_pending_seconds",
    "gauge",
    "Age of the oldest row past grace when the backlog was measured (absent when none is pending).",
    gauges
      .filter((g) => g.oldestPendingAt)
      .map((g) => [{ table: g.table }, Math.max(0, Math.floor((measuredAt - new Date(g.oldestPendingAt!).getTime()) / 1000))]),
  );
  family(
    "custodian_softdelete_pending_threshold",
    "gauge",
    "The table's pendingAlert: more rows past grace than this fire an alert.",
    gauges.map((g) => [{ table: g.table }, g.alertAt]),
  );
  family(
    "custodian_alert_active",
    "gauge",
    "1 for each alert firing now (kind: count, growth, or pending for a soft-delete table).",
    alerts.map((a) => [{ relation: a.relation, kind: a.kind }, 1]),
  );
  family(
    "custodian_alert_value",
    "gauge",
    "The value that made the alert fire (orphans, orphans a day, or rows past grace).",
    alerts.map((a) => [{ relation: a.relation, kind: a.kind }, a.value]),
  );
  if (sweep)
    family("custodian_last_sweep_timestamp_seconds", "gauge", "When the latest completed sweep started (Unix time).", [
      [{}, Math.floor(sweep.startedAt.getTime() / 1000)],
    ]);
  return `${out.join("\n")}\n`;
}
