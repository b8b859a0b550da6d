import { PageLink } from "@/components/page-link";
import { PreventionJobsList } from "@/components/prevention/prevention-jobs";
import { PurgeJobs } from "@/components/softdelete/purge-jobs";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { statusText } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { TextLink } from "@/components/ui/text-link";
import { requirePage } from "@/lib/auth/guard";
import { formatDuration, formatNumber } from "@/lib/format";
import { jobsList } from "@/lib/jobs/queries";
import { getStore } from "@/lib/store/web";
import { LocalTime } from "@/components/ui/local-time";

export const dynamic = "force-dynamic";

export default async function JobsPage() {
  const { roles } = await requirePage("jobs.read", "/jobs");
  const { cleanups, purges, sweeps } = await jobsList(await getStore());
  return (
    <div className="space-y-8">
      <PageHeader
        title="Jobs"
        description="Cleanups, purges, constraint jobs and sweeps, newest first. Start a cleanup from a relation's page, a purge from the soft-deletes page."
      />
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Cleanups</h2>
        {cleanups.length === 0 ? (
          <EmptyState>
            No cleanup yet. Open a relation with orphans on the{" "}
            <PageLink roles={roles} href="/relations?orphans=1">
              Relations
            </PageLink>{" "}
            page and preview its cleanup.
          </EmptyState>
        ) : (
          <Table
            testId="cleanup-jobs"
            columns={["Relation", "Action", "Status", { label: "Changed", numeric: true }, { label: "Skipped", numeric: true }, "Requested"]}
          >
            {cleanups.map((j) => (
              <tr key={j.id} data-job={j.id}>
                <Td>
                  <TextLink href={`/jobs/${j.id}`} className="font-medium">
                    {j.relation}
                  </TextLink>
                </Td>
                <Td>{j.action.replace(/_/g, " ")}</Td>
                <Td className={`font-medium ${statusText(j.status)}`}>{j.status.replace("_", " ")}</Td>
                <Td numeric>{formatNumber(j.deleted + j.nulled)}</Td>
                <Td numeric>{formatNumber(j.skippedGrace + j.skippedAllowlist + j.skippedNotOrphan + j.skippedProtected)}</Td>
                <Td className="whitespace-nowrap text-zinc-500">
                  <LocalTime date={j.createdAt} />
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Purges</h2>
        {purges.length === 0 ? (
          <EmptyState>
            No purge yet. Rows soft-deleted past their grace period are purged from the{" "}
            <PageLink roles={roles} href="/soft-deletes">
              Soft deletes
            </PageLink>{" "}
            page, or on the schedule (<code className="font-mono">schedule.purge</code>).
          </EmptyState>
        ) : (
          <PurgeJobs initial={purges} />
        )}
      </section>
      <PreventionJobsList />
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Sweeps</h2>
        <Table
          columns={[
            "Started",
            "Trigger",
            "Status",
            { label: "Relations", numeric: true },
            { label: "Failed", numeric: true },
            { label: "Took", numeric: true },
          ]}
        >
          {sweeps.map((s) => (
            <tr key={s.id}>
              <Td className="whitespace-nowrap">
                <LocalTime date={s.startedAt} />
              </Td>
              <Td>{s.trigger}</Td>
              <Td className={statusText(s.status)}>{s.status}</Td>
              <Td numeric>{s.total ?? s.relations}</Td>
              <Td numeric>{s.failed}</Td>
              <Td numeric>{s.finishedAt ? formatDuration(s.finishedAt.getTime() - s.startedAt.getTime()) : "—"}</Td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
