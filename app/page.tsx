import { redirect } from "next/navigation";
import { OrphansChart } from "@/components/charts/orphans-chart";
import { ScanNowButton } from "@/components/overview/scan-now-button";
import { FirstSweep } from "@/components/ui/first-sweep";
import { LiveFigures } from "@/components/ui/live-figures";
import { firstSweepRunning } from "@/lib/sweeps/status";
import { RangePicker } from "@/components/range-picker";
import { alertBadge, alertDetail, alertHref } from "@/lib/alerts/describe";
import { relationHref } from "@/lib/dashboard/href";
import { ErasureTile } from "@/components/erasure/erasure-tile";
import { PendingApprovals } from "@/components/jobs/pending-approvals";
import { SoftDeleteBacklogTile } from "@/components/softdelete/backlog-tile";
import { PageLink } from "@/components/page-link";
import { Tile } from "@/components/tile";
import { requirePage, requireSignedIn } from "@/lib/auth/guard";
import { mayOpen } from "@/lib/auth/pages";
import { can } from "@/lib/auth/permissions";
import { loadOverview, OTHER } from "@/lib/dashboard/overview";
import { isRange } from "@/lib/dashboard/series";
import { formatNumber, formatRelative, formatSigned, formatUntil } from "@/lib/format";
import { serverConfig } from "@/lib/server/config";
import { erasureCounts } from "@/lib/erasure/requests";
import { getStore } from "@/lib/store/web";
import { latestBacklog } from "@/lib/softdelete/stored-backlog";
import { TextLink } from "@/components/ui/text-link";
import { StatusBadge } from "@/components/ui/status-badge";
import { LocalTime } from "@/components/ui/local-time";

// Reads stored scans only: the page never scans a live target.
export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ range?: string }> }) {
  // Each role starts where its work is: support has no overview, only restore.
  const actor = await requireSignedIn("/");
  if (!can(actor.roles, "overview.read") && can(actor.roles, "restore.search")) redirect("/restore");
  await requirePage("overview.read", "/");
  const mayScan = can(actor.roles, "scans.run");
  const { range: rawRange } = await searchParams;
  // a month by default: the trend that matters (a failed cascade, a backlog growing) spans weeks
  const range = isRange(rawRange) ? rawRange : "30d";
  const config = serverConfig();
  const store = await getStore();
  const [o, erasures, backlog, first] = await Promise.all([
    loadOverview(store, config, range),
    erasureCounts(store),
    latestBacklog(store),
    firstSweepRunning(store),
  ]);

  if (o.scans.length === 0 && first) {
    return (
      <div className="card border-dashed p-10 text-center">
        <h1 className="text-xl font-semibold">Counting orphans for the first time</h1>
        <p className="mt-2 text-zinc-500">Custodian sweeps every relation when it first starts; the overview fills in when the sweep ends.</p>
        <div className="mt-4 flex justify-center">
          <FirstSweep initial={first} />
        </div>
      </div>
    );
  }

  if (o.scans.length === 0) {
    return (
      <div className="card border-dashed p-10 text-center">
        <h1 className="text-xl font-semibold">No scans yet</h1>
        <p className="mt-2 text-zinc-500">
          Custodian sweeps every relation at start and then {config.schedule.sweep === "0 * * * *" ? "every hour" : `on "${config.schedule.sweep}"`}. If nothing
          shows up, the server log names the configuration or connection problem.
        </p>
        {mayScan && (
          <div className="mt-4 flex justify-center">
            <ScanNowButton running={o.pending?.id} />
          </div>
        )}
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <LiveFigures />
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Overview</h1>
        {mayScan && <ScanNowButton running={o.pending?.id} />}
      </div>

      <section className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <Tile
          label="Orphaned rows"
          value={formatNumber(o.total)}
          testId="total-orphans"
          tone={o.delta24h && o.delta24h > 0 ? "bad" : undefined}
          note={
            <span data-testid="total-deltas">
              {o.delta24h == null ? "no scan a day old yet" : `${formatSigned(o.delta24h)} in 24 h`}
              {o.delta7d != null && ` · ${formatSigned(o.delta7d)} in 7 days`}
            </span>
          }
        />
        <Tile
          label="Relations with orphans"
          value={`${o.withOrphans} of ${o.scans.length}`}
          href={mayOpen(actor.roles, "/relations") ? "/relations?orphans=1" : undefined}
          tone={o.failed ? "bad" : undefined}
          note={o.failed ? `${o.failed} could not be scanned` : "every relation scanned"}
        />
        <Tile
          label="Sweeps"
          value={o.lastSweep ? formatRelative(o.lastSweep.startedAt) : "—"}
          note={o.nextSweep ? `next ${formatUntil(o.nextSweep)} (${config.schedule.sweep}, UTC)` : "no schedule"}
        />
        {backlog ? (
          <SoftDeleteBacklogTile backlog={backlog} linked={can(actor.roles, "softdeletes.read")} />
        ) : (
          <Tile
            label="Soft-delete backlog (past grace)"
            value="—"
            note={config.softDelete.length ? "measured by the next sweep" : "no soft-delete table: add them under softDelete: in the config"}
          />
        )}
        {can(actor.roles, "erasure.read") && <ErasureTile counts={erasures} />}
      </section>

      {can(actor.roles, "jobs.approve") && <PendingApprovals viewerId={actor.userId} />}

      <section className="card p-4" aria-label="Alerts" data-testid="alerts">
        <h2 className="font-medium">Alerts</h2>
        {o.alerts.length === 0 ? (
          <p className="mt-1 text-sm text-zinc-500">
            None active. An alert fires when a relation has more than {formatNumber(config.alerts.orphans)} orphans or grows by more than{" "}
            {formatNumber(config.alerts.growthPerDay)} a day (set <code className="font-mono">alerts:</code> in the config), or when a soft-delete table has
            more rows past grace than its <code className="font-mono">pendingAlert</code>.
          </p>
        ) : (
          <ul className="mt-2 space-y-1 text-sm">
            {o.alerts.map((a) => (
              <li key={String(a.id)} className="flex flex-wrap items-baseline gap-2" data-testid="alert">
                <StatusBadge status="alert">{alertBadge(a.kind)}</StatusBadge>
                <PageLink roles={actor.roles} href={alertHref(a, relationHref)} className="font-medium hover:underline">
                  {a.relation}
                </PageLink>
                <span className="text-zinc-500">
                  {alertDetail(a)}, since <LocalTime date={a.firedAt} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card p-4">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-medium">Orphans over time</h2>
          <RangePicker current={range} href={(r) => `/?range=${r}`} />
        </div>
        {o.chart.points.length < 2 ? (
          <p className="py-10 text-center text-sm text-zinc-500">
            {o.chart.points.length === 0 ? "No sweep finished in this range." : "One sweep so far: the chart draws once a second sweep has run."} Widen the
            range{mayScan ? ", or press Scan now" : ""}.
          </p>
        ) : (
          <OrphansChart points={o.chart.points} series={o.chart.series} other={OTHER} />
        )}
      </section>

      {mayOpen(actor.roles, "/relations") && (
        <p className="text-sm text-zinc-500">
          Per relation counts, changes and errors are on the <TextLink href="/relations">Relations</TextLink> page.
        </p>
      )}
    </div>
  );
}
