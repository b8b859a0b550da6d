import { Sparkline } from "@/components/charts/sparkline";
import { LocalTime } from "@/components/ui/local-time";
import { formatDuration, formatNumber, formatSigned } from "@/lib/format";
import type { SeriesPoint } from "@/lib/dashboard/series";
import type { OrphanKeyStates } from "@/lib/relations/queries";
import type { LatestScan } from "@/lib/store/scans";

const RANGE_WORDS: Record<string, string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days", all: "all time" };

/**
 * The top of a relation's page: what an operator decides on. The count and its trend, the
 * open orphan keys by what a cleanup would do with them now, and the way to the cleanup.
 */
export function RelationSummary({
  name,
  scan,
  points,
  range,
  keyStates,
  graceDays,
  alertNote,
  alerting,
  mayClean,
}: {
  name: string;
  scan: LatestScan;
  points: SeriesPoint[];
  range: string;
  keyStates: OrphanKeyStates;
  graceDays: number;
  /** what the count is measured against, or the alerts it raised */
  alertNote: string;
  alerting: boolean;
  mayClean: boolean;
}) {
  const values = points.map((p) => p.values[name] ?? 0);
  const change = values.length >= 2 ? values[values.length - 1] - values[0] : null;
  return (
    <section className="card grid gap-4 p-4 sm:grid-cols-2 lg:grid-cols-4" aria-label="Summary" data-testid="relation-summary">
      <div>
        <div className="text-xs tracking-wide text-zinc-500 uppercase">Orphan rows</div>
        <div className={`tabular mt-1 text-3xl font-semibold ${scan.error || alerting ? "text-red-600 dark:text-red-400" : ""}`} data-testid="relation-orphans">
          {scan.error ? "failed" : formatNumber(scan.orphans)}
        </div>
        <div className="mt-1 text-xs text-zinc-500">
          {scan.error ? (
            <span className="text-red-600 dark:text-red-400">
              {scan.errorKind}: {scan.error}
            </span>
          ) : (
            <span className={alerting ? "text-red-600 dark:text-red-400" : undefined}>{alertNote}</span>
          )}
        </div>
      </div>
      <div>
        <div className="text-xs tracking-wide text-zinc-500 uppercase">Trend, {RANGE_WORDS[range] ?? range}</div>
        <div className="mt-1 flex items-center gap-3">
          <span className={`tabular text-2xl font-semibold ${change && change > 0 ? "text-red-600 dark:text-red-400" : ""}`} data-testid="relation-trend">
            {change == null ? "—" : formatSigned(change)}
          </span>
          <Sparkline values={values} />
        </div>
        <div className="mt-1 text-xs text-zinc-500">{change == null ? "fewer than two sweeps in this range" : `over ${values.length} sweeps`}</div>
      </div>
      <div>
        <div className="text-xs tracking-wide text-zinc-500 uppercase">Orphan keys now</div>
        <dl className="mt-1 grid grid-cols-3 gap-2 text-sm">
          <KeyState label="eligible" value={keyStates.eligible} testId="keys-eligible" strong />
          <KeyState label={`in ${graceDays}-day grace`} value={keyStates.inGrace} testId="keys-in-grace" />
          <KeyState label="allowlisted" value={keyStates.allowlisted} testId="keys-allowlisted" />
        </dl>
      </div>
      <div className="flex flex-col justify-between gap-2">
        <div className="text-xs text-zinc-500">
          Scanned <LocalTime date={scan.scannedAt} /> · {formatNumber(scan.childRows)} child rows in {formatDuration(scan.durationMs)}
        </div>
        {mayClean && (
          <a href="#cleanup" className="btn-primary self-start" data-testid="summary-clean-up">
            Clean up…
          </a>
        )}
      </div>
    </section>
  );
}

function KeyState({ label, value, testId, strong }: { label: string; value: number; testId: string; strong?: boolean }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={`tabular text-lg ${strong ? "font-semibold" : ""}`} data-testid={testId}>
        {formatNumber(value)}
      </dd>
    </div>
  );
}
