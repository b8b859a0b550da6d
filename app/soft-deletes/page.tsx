import { GaugeCard } from "@/components/softdelete/gauge-card";
import { PurgeJobs } from "@/components/softdelete/purge-jobs";
import { RequestsTable } from "@/components/softdelete/requests-table";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { serverConfig } from "@/lib/server/config";
import { getStore } from "@/lib/store/web";
import { loadBacklog } from "@/lib/softdelete/backlog";
import { recentPurges } from "@/lib/softdelete/purge-control";
import { recentRequests } from "@/lib/softdelete/requests-list";
import { configName } from "@/lib/softdelete/tables";
import { missingPurgePrivileges } from "@/lib/softdelete/purge-privileges";
import { logFailure } from "@/lib/errors/logged";
import { EmptyState } from "@/components/ui/empty-state";
import { LiveFigures } from "@/components/ui/live-figures";

export const dynamic = "force-dynamic";

/** Ops and DPO: the soft-delete backlog per table, index advice, purges and their deletion requests. */
export default async function SoftDeletesPage() {
  const actor = await requirePage("softdeletes.read", "/soft-deletes");
  const config = serverConfig();
  const store = await getStore();
  const [backlog, requests, jobs] = await Promise.all([loadBacklog(config), recentRequests(store), recentPurges(store)]);
  const names = new Map(config.softDelete.map((e, i) => [i, configName(e)]));
  // The purge's preview says what the database user lacks, for the tables a purge would touch now.
  const canPurge = can(actor.roles, "purges.run");
  const missing = await Promise.all(
    backlog.gauges.map((g, i) =>
      canPurge && g.pending > 0
        ? missingPurgePrivileges(config, names.get(i)!).catch(async (err) => {
            await logFailure("softdelete", "reading a purge's privileges")(err);
            return [];
          })
        : [],
    ),
  );
  return (
    <div className="space-y-8">
      {/* A purge, or a support restore elsewhere, refreshes the stored figures: the page follows. */}
      <LiveFigures />
      <div>
        <h1 className="text-2xl font-semibold">Soft deletes</h1>
        <p className="text-sm text-zinc-500">
          Rows stamped deleted wait out their grace period, then a purge removes them with everything below them (or redacts their PII where the row must stay).
          Counted live from the databases.
        </p>
      </div>
      {backlog.gauges.length === 0 ? (
        <EmptyState>
          No soft-delete table is configured. Add one under <code className="font-mono">softDelete:</code> in the config file (table, column, graceDays, unique,
          pii).
        </EmptyState>
      ) : (
        backlog.gauges.map((g, i) => <GaugeCard key={g.table} g={g} name={names.get(i)!} canPurge={canPurge} missing={missing[i]} />)
      )}
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Purges</h2>
        {jobs.length === 0 ? (
          <p className="text-sm text-zinc-500">
            No purge has run yet{config.schedule.purge ? ` (scheduled: ${config.schedule.purge})` : "; none is scheduled (config schedule.purge)"}.
          </p>
        ) : (
          <PurgeJobs initial={jobs} />
        )}
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Deletion requests</h2>
        {requests.length === 0 ? (
          <p className="text-sm text-zinc-500">None yet. A purge opens one per subject past grace (two-phase: marked, then deleted database by database).</p>
        ) : (
          <RequestsTable requests={requests} />
        )}
      </section>
    </div>
  );
}
