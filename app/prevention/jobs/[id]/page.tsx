import { notFound } from "next/navigation";
import { PreventionJobView } from "@/components/prevention/prevention-job-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { actorNames } from "@/lib/audit/query";
import { formatRelative } from "@/lib/format";
import { preventionStatus } from "@/lib/prevention/jobs";
import { getStore } from "@/lib/store/web";

export const dynamic = "force-dynamic";

/** One constraint job: what was asked and by whom, approval, the steps as they run, and the constraints as the catalog shows them afterwards. */
export default async function PreventionJobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePage("jobs.read", `/prevention/jobs/${id}`);
  if (!/^[0-9a-f-]{36}$/.test(id)) notFound();
  const store = await getStore();
  const job = await preventionStatus(store, id);
  if (!job) notFound();
  const names = await actorNames(store, [job.requestedBy, job.approvedBy, job.rejectedBy]);
  const who = (uid: string | null) => (uid ? (names.get(uid) ?? uid) : null);
  return (
    <div className="space-y-6">
      <PageHeader
        back={can(actor.roles, "relations.read") ? { href: "/prevention", label: "Prevention" } : { href: "/jobs", label: "Jobs" }}
        title={
          <>
            Constraints for <span className="font-mono">{job.relations.join(", ")}</span>
          </>
        }
        description={`Requested by ${who(job.requestedBy)} ${formatRelative(new Date(job.createdAt))}`}
      />
      <PreventionJobView
        initial={job}
        people={{ requestedBy: who(job.requestedBy)!, approvedBy: who(job.approvedBy), rejectedBy: who(job.rejectedBy) }}
        may={{
          approve: can(actor.roles, "jobs.approve") && actor.userId !== job.requestedBy,
          cancel: can(actor.roles, "prevention.apply"),
          ownRequest: actor.userId === job.requestedBy,
          openRelations: can(actor.roles, "relations.read"),
        }}
      />
    </div>
  );
}
