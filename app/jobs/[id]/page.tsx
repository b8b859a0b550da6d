import Link from "next/link";
import { notFound } from "next/navigation";
import { JobProgress } from "@/components/jobs/job-progress";
import { PageLink } from "@/components/page-link";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { cleanupStatus } from "@/lib/cleanup/status";
import { relationHref } from "@/lib/dashboard/href";
import { formatRelative } from "@/lib/format";
import { getStore } from "@/lib/server/store";

export const dynamic = "force-dynamic";

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePage("jobs.read", `/jobs/${id}`);
  if (!/^[0-9a-f-]{36}$/.test(id)) notFound();
  const store = await getStore();
  const status = await cleanupStatus(store, id);
  if (!status) notFound();
  const people = await store.prisma.user.findMany({ where: { id: { in: [status.requestedBy, status.approvedBy ?? ""] } }, select: { id: true, email: true } });
  const who = (uid: string | null) => people.find((p) => p.id === uid)?.email ?? uid ?? "—";
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
          {status.approvedBy && ` · approved by ${who(status.approvedBy)}`}
        </p>
      </div>
      <JobProgress
        initial={status}
        may={{ control: can(actor.roles, "cleanups.run"), approve: can(actor.roles, "jobs.approve"), viewerId: actor.userId }}
      />
    </div>
  );
}
