import { redirect } from "next/navigation";
import { ScanNowButton } from "@/components/overview/scan-now-button";
import { RelationTable } from "@/components/relation-table";
import { can } from "@/lib/auth/permissions";
import { requirePage, requireSignedIn } from "@/lib/auth/guard";
import { formatNumber, formatRelative } from "@/lib/format";
import { getStore } from "@/lib/server/store";
import { lastSweep, latestScans } from "@/lib/store/scans";

// Reads stored scans only: the page never scans a live target.
export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  // Each role starts where its work is: support has no overview, only restore.
  const actor = await requireSignedIn("/");
  if (!can(actor.roles, "overview.read") && can(actor.roles, "restore.search")) redirect("/restore");
  await requirePage("overview.read", "/");
  const mayScan = can(actor.roles, "scans.run");
  const store = await getStore();
  const [scans, sweep] = await Promise.all([latestScans(store), lastSweep(store)]);
  if (scans.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center dark:border-zinc-700">
        <h1 className="text-xl font-semibold">No scans yet</h1>
        <p className="mt-2 text-zinc-500">
          Custodian sweeps every relation at start. Run <code className="font-mono">npx custodian scan</code> (with the server
          stopped when using the embedded store) or check the server log for a configuration error.
        </p>
        {mayScan && (
          <div className="mt-4 flex justify-center">
            <ScanNowButton />
          </div>
        )}
      </div>
    );
  }
  const total = scans.reduce((sum, s) => sum + Number(s.orphans ?? 0), 0);
  const failed = scans.filter((s) => s.error).length;
  const withOrphans = scans.filter((s) => Number(s.orphans ?? 0) > 0).length;
  return (
    <div className="space-y-6">
      {mayScan && <ScanNowButton />}
      <section className="grid gap-4 sm:grid-cols-3">
        <Tile label="Orphaned rows" value={formatNumber(total)} testId="total-orphans" />
        <Tile label="Relations with orphans" value={`${withOrphans} of ${scans.length}`} />
        <Tile
          label="Last sweep"
          value={sweep ? formatRelative(sweep.startedAt) : "—"}
          note={failed ? `${failed} relation${failed > 1 ? "s" : ""} could not be scanned` : undefined}
        />
      </section>
      <RelationTable scans={scans} />
    </div>
  );
}

function Tile({ label, value, note, testId }: { label: string; value: string; note?: string; testId?: string }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="text-xs uppercase tracking-wide text-zinc-500">{label}</div>
      <div className="tabular mt-1 text-2xl font-semibold" data-testid={testId}>
        {value}
      </div>
      {note && <div className="mt-1 text-xs text-red-600 dark:text-red-400">{note}</div>}
    </div>
  );
}
