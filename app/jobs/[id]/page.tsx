import { notFound } from "next/navigation";
import { ApprovalCard } from "@/components/jobs/approval-card";
import { ArchiveRestores } from "@/components/jobs/archive-restores";
import { JobProgress } from "@/components/jobs/job-progress";
import { PageLink } from "@/components/page-link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { relationHref } from "@/lib/dashboard/href";
import { formatNumber, formatRelative } from "@/lib/format";
import { cleanupJobPage, liveApprovalFigures } from "@/lib/jobs/queries";
import { serverConfig } from "@/lib/server/config";
import { getStore } from "@/lib/store/web";

export const dynamic = "force-dynamic";

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePage("jobs.read", `/jobs/${id}`);
  if (!/^[0-9a-f-]{36}$/.test(id)) notFound();
  const store = await getStore();
  const job = await cleanupJobPage(store, id);
  if (!job) notFound();
  const { status, waiting, snapshot, who, restores } = job;
  const mayApprove = can(actor.roles, "jobs.approve") && actor.userId !== status.requestedBy;
  // Row values (a sample) only for those who may preview orphans; the approver decides on today's figures too.
  const live = waiting
    ? await liveApprovalFigures(store, serverConfig(), status.relation, { approve: mayApprove, preview: can(actor.roles, "orphans.preview") })
    : { fresh: null, sample: null };
  return (
    <div className="space-y-6">
      <div>
        <PageHeader
          back={{ href: "/jobs", label: "Jobs" }}
          title={
            <>
              Cleanup of{" "}
              <PageLink roles={actor.roles} href={relationHref(status.relation)}>
                {status.relation}
              </PageLink>
            </>
          }
          description={
            <>
              {status.action.replace(/_/g, " ")} · requested by {who(status.requestedBy)} {formatRelative(new Date(status.createdAt))}
              {status.approvedBy &&
                ` · approved by ${who(status.approvedBy)}${status.approvedScope != null ? ` for up to ${formatNumber(status.approvedScope)} rows` : ""}`}
            </>
          }
        />
        {status.status === "rejected" && (
          <p className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300" data-testid="job-rejected">
            Rejected by {who(status.rejectedBy)}: {status.rejectReason}
          </p>
        )}
      </div>
      {waiting && (
        <ApprovalCard
          job={status}
          snapshot={snapshot}
          fresh={live.fresh}
          liveSample={live.sample}
          requester={who(status.requestedBy)}
          may={{ approve: mayApprove }}
        />
      )}
      <JobProgress initial={status} may={{ control: can(actor.roles, "cleanups.run") }} />
      <ArchiveRestores restores={restores} who={who} />
    </div>
  );
}
