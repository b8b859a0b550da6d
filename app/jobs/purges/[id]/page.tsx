import { notFound } from "next/navigation";
import { PurgeProgress } from "@/components/softdelete/purge-progress";
import { RequestsTable } from "@/components/softdelete/requests-table";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { formatRelative } from "@/lib/format";
import { purgeJobPage } from "@/lib/jobs/queries";
import { getStore } from "@/lib/store/web";

export const dynamic = "force-dynamic";

/** One purge job: its progress, pause/resume/cancel, and the deletion request of each subject it took on. */
export default async function PurgeJobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePage("jobs.read", `/jobs/purges/${id}`);
  if (!/^[0-9a-f-]{36}$/.test(id)) notFound();
  const job = await purgeJobPage(await getStore(), id);
  if (!job) notFound();
  const { status, requests, requester } = job;
  return (
    <div className="space-y-6">
      <PageHeader
        back={{ href: "/jobs", label: "Jobs" }}
        title={
          <>
            Purge of <span className="font-mono">{status.table}</span>
          </>
        }
        description={
          <>
            Hard delete past grace, one two-phase deletion request per subject ·{" "}
            {status.trigger === "schedule" ? "started by the schedule" : `requested by ${requester}`} {formatRelative(new Date(status.createdAt))}
          </>
        }
      />
      <PurgeProgress initial={status} mayControl={can(actor.roles, "purges.run")} />
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Its deletion requests</h2>
        {requests.length === 0 ? (
          <p className="text-sm text-zinc-500">None yet: the job opens one per subject as it reaches it.</p>
        ) : (
          <RequestsTable requests={requests} />
        )}
      </section>
    </div>
  );
}
