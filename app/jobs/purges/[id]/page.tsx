import Link from "next/link";
import { notFound } from "next/navigation";
import { PurgeProgress } from "@/components/softdelete/purge-progress";
import { RequestsTable } from "@/components/softdelete/requests-table";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { formatRelative } from "@/lib/format";
import { getStore } from "@/lib/server/store";
import { purgeStatus } from "@/lib/softdelete/purge-control";
import { recentRequests } from "@/lib/softdelete/requests-list";

export const dynamic = "force-dynamic";

/** One purge job: its progress, pause/resume/cancel, and the deletion request of each subject it took on. */
export default async function PurgeJobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePage("jobs.read", `/jobs/purges/${id}`);
  if (!/^[0-9a-f-]{36}$/.test(id)) notFound();
  const store = await getStore();
  const status = await purgeStatus(store, id);
  if (!status) notFound();
  const [requests, requester] = await Promise.all([
    recentRequests(store, 200, id),
    store.prisma.user.findUnique({ where: { id: status.requestedBy }, select: { email: true } }),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <Link href="/jobs" className="text-sm text-zinc-500 hover:underline">
          ← Jobs
        </Link>
        <h1 className="mt-1 text-2xl font-semibold">
          Purge of <span className="font-mono">{status.table}</span>
        </h1>
        <p className="text-sm text-zinc-500">
          Hard delete past grace, one two-phase deletion request per subject · {status.trigger === "schedule" ? "started by the schedule" : `requested by ${requester?.email ?? status.requestedBy}`}{" "}
          {formatRelative(new Date(status.createdAt))}
        </p>
      </div>
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
