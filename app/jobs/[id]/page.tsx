import Link from "next/link";
import { notFound } from "next/navigation";
import { ApprovalCard, type FreshCount } from "@/components/jobs/approval-card";
import { JobProgress } from "@/components/jobs/job-progress";
import { PageLink } from "@/components/page-link";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { readSnapshot, type RequestSnapshot } from "@/lib/cleanup/approval";
import { jsonRow } from "@/lib/cleanup/rows";
import { previewByName } from "@/lib/cleanup/start";
import { cleanupStatus } from "@/lib/cleanup/status";
import { relationHref } from "@/lib/dashboard/href";
import { formatRelative } from "@/lib/format";
import { serverConfig } from "@/lib/server/config";
import { getStore } from "@/lib/server/store";

export const dynamic = "force-dynamic";

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePage("jobs.read", `/jobs/${id}`);
  if (!/^[0-9a-f-]{36}$/.test(id)) notFound();
  const store = await getStore();
  const status = await cleanupStatus(store, id);
  if (!status) notFound();
  const people = await store.prisma.user.findMany({
    where: { id: { in: [status.requestedBy, status.approvedBy ?? "", status.rejectedBy ?? ""] } },
    select: { id: true, email: true },
  });
  const who = (uid: string | null) => people.find((p) => p.id === uid)?.email ?? uid ?? "—";
  const waiting = status.status === "awaiting_approval";
  const mayApprove = can(actor.roles, "jobs.approve") && actor.userId !== status.requestedBy;
  // Row values (a sample) only for those who may preview orphans, read live: the job keeps keys only.
  const mayPreview = can(actor.roles, "orphans.preview");
  let snapshot: RequestSnapshot | null = null;
  let fresh: FreshCount | { error: string } | null = null;
  let liveSample: { rows: Record<string, unknown>[] } | { error: string } | null = null;
  if (waiting) {
    const row = await store.prisma.cleanupJob.findUnique({ where: { id }, select: { requestSnapshot: true } });
    snapshot = readSnapshot(row?.requestSnapshot);
    // The approver decides on today's figures too: counted again from the target (the one live read of this page).
    if (mayApprove || mayPreview) {
      try {
        const p = await previewByName(store, serverConfig(), status.relation);
        if (mayApprove) fresh = { eligible: p.eligible, inGrace: p.inGrace, allowlisted: p.allowlisted, scope: p.scope, dependents: p.dependents };
        if (mayPreview) liveSample = { rows: p.sample.map(jsonRow) };
      } catch (err) {
        if (mayApprove) fresh = { error: (err as Error).message };
        if (mayPreview) liveSample = { error: (err as Error).message };
      }
    }
  }
  return (
    <div className="space-y-6">
      <div>
        <Link href="/jobs" className="text-sm text-zinc-500 hover:underline">
          ← Jobs
        </Link>
        <h1 className="mt-1 text-2xl font-semibold">
          Cleanup of{" "}
          <PageLink roles={actor.roles} href={relationHref(status.relation)} className="text-indigo-700 hover:underline dark:text-indigo-300">
            {status.relation}
          </PageLink>
        </h1>
        <p className="text-sm text-zinc-500">
          {status.action.replace(/_/g, " ")} · requested by {who(status.requestedBy)} {formatRelative(new Date(status.createdAt))}
          {status.approvedBy && ` · approved by ${who(status.approvedBy)}${status.approvedScope != null ? ` for up to ${status.approvedScope.toLocaleString("en-US")} rows` : ""}`}
        </p>
        {status.status === "rejected" && (
          <p className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300" data-testid="job-rejected">
            Rejected by {who(status.rejectedBy)}: {status.rejectReason}
          </p>
        )}
      </div>
      {waiting && <ApprovalCard job={status} snapshot={snapshot} fresh={fresh} liveSample={liveSample} requester={who(status.requestedBy)} may={{ approve: mayApprove }} />}
      <JobProgress initial={status} may={{ control: can(actor.roles, "cleanups.run") }} />
    </div>
  );
}
