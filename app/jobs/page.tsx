import Link from "next/link";
import { PageLink } from "@/components/page-link";
import { PurgeJobs } from "@/components/softdelete/purge-jobs";
import { requirePage } from "@/lib/auth/guard";
import { formatDuration, formatNumber, formatRelative } from "@/lib/format";
import { getStore } from "@/lib/server/store";
import { recentPurges } from "@/lib/softdelete/purge-control";
import { statusText } from "@/components/ui/status-badge";

export const dynamic = "force-dynamic";

export default async function JobsPage() {
  const { roles } = await requirePage("jobs.read", "/jobs");
  const store = await getStore();
  const [cleanups, purges, sweeps] = await Promise.all([
    store.prisma.cleanupJob.findMany({ orderBy: { createdAt: "desc" }, take: 100 }),
    recentPurges(store),
    store.prisma.sweep.findMany({ orderBy: { startedAt: "desc" }, take: 20 }),
  ]);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Jobs</h1>
        <p className="text-sm text-zinc-500">Cleanups, purges and sweeps, newest first. Start a cleanup from a relation&apos;s page, a purge from the soft-deletes page.</p>
      </div>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Cleanups</h2>
        {cleanups.length === 0 ? (
          <div className="card border-dashed p-8 text-center text-sm text-zinc-500">
            No cleanup yet. Open a relation with orphans on the <PageLink roles={roles} href="/relations?orphans=1" className="text-indigo-700 hover:underline dark:text-indigo-300">Relations</PageLink> page and preview its cleanup.
          </div>
        ) : (
          <div className="card overflow-x-auto">
            <table className="w-full text-sm" data-testid="cleanup-jobs">
              <thead className="bg-zinc-100 dark:bg-zinc-800/60">
                <tr>
                  <th className="th">Relation</th>
                  <th className="th">Action</th>
                  <th className="th">Status</th>
                  <th className="th text-right">Changed</th>
                  <th className="th text-right">Skipped</th>
                  <th className="th">Requested</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {cleanups.map((j) => (
                  <tr key={j.id} data-job={j.id}>
                    <td className="td">
                      <Link href={`/jobs/${j.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                        {j.relation}
                      </Link>
                    </td>
                    <td className="td">{j.action.replace(/_/g, " ")}</td>
                    <td className={`td font-medium ${statusText(j.status)}`}>{j.status.replace("_", " ")}</td>
                    <td className="td tabular text-right">{formatNumber(j.deleted + j.nulled)}</td>
                    <td className="td tabular text-right">{formatNumber(j.skippedGrace + j.skippedAllowlist + j.skippedNotOrphan + j.skippedProtected)}</td>
                    <td className="td whitespace-nowrap text-zinc-500">{formatRelative(j.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Purges</h2>
        {purges.length === 0 ? (
          <div className="card border-dashed p-8 text-center text-sm text-zinc-500">
            No purge yet. Rows soft-deleted past their grace period are purged from the{" "}
            <PageLink roles={roles} href="/soft-deletes" className="text-indigo-700 hover:underline dark:text-indigo-300">
              Soft deletes
            </PageLink>{" "}
            page, or on the schedule (<code className="font-mono">schedule.purge</code>).
          </div>
        ) : (
          <PurgeJobs initial={purges} />
        )}
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Sweeps</h2>
        <div className="card overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="bg-zinc-100 dark:bg-zinc-800/60">
              <tr>
                <th className="th">Started</th>
                <th className="th">Trigger</th>
                <th className="th">Status</th>
                <th className="th text-right">Relations</th>
                <th className="th text-right">Failed</th>
                <th className="th text-right">Took</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {sweeps.map((s) => (
                <tr key={s.id}>
                  <td className="td whitespace-nowrap" title={s.startedAt.toISOString()}>
                    {formatRelative(s.startedAt)}
                  </td>
                  <td className="td">{s.trigger}</td>
                  <td className={`td ${statusText(s.status)}`}>{s.status}</td>
                  <td className="td tabular text-right">{s.total ?? s.relations}</td>
                  <td className="td tabular text-right">{s.failed}</td>
                  <td className="td tabular text-right">{s.finishedAt ? formatDuration(s.finishedAt.getTime() - s.startedAt.getTime()) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
