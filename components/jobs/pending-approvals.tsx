import { pendingApprovalCount, pendingApprovals } from "@/lib/cleanup/approval";
import { formatNumber, formatRelative } from "@/lib/format";
import { getStore } from "@/lib/store/web";
import { TextLink } from "@/components/ui/text-link";

/** The navigation's count of cleanups waiting for this person's approval (rendered only for roles that approve). */
export async function PendingApprovalsBadge({ viewerId }: { viewerId: string }) {
  const n = await pendingApprovalCount(await getStore(), viewerId);
  if (!n) return null;
  return (
    <span
      className="ml-1 rounded-full bg-amber-500 px-1.5 text-xs font-semibold text-white"
      title={`${n} cleanup${n === 1 ? "" : "s"} waiting for your approval`}
      data-testid="nav-pending-approvals"
    >
      {n}
    </span>
  );
}

/** The overview's list of cleanups waiting for this person's approval; nothing when none wait. */
export async function PendingApprovals({ viewerId }: { viewerId: string }) {
  const store = await getStore();
  const jobs = await pendingApprovals(store, viewerId);
  if (!jobs.length) return null;
  const people = await store.prisma.user.findMany({ where: { id: { in: jobs.map((j) => j.requestedBy) } }, select: { id: true, email: true } });
  const who = (uid: string) => people.find((p) => p.id === uid)?.email ?? uid;
  return (
    <section className="card border-amber-300 p-4 dark:border-amber-700" aria-label="Approvals waiting" data-testid="pending-approvals">
      <h2 className="font-medium">
        Cleanups waiting for your approval: <span className="tabular">{formatNumber(jobs.length)}</span>
      </h2>
      <ul className="mt-2 space-y-1 text-sm">
        {jobs.map((j) => (
          <li key={j.id} className="flex flex-wrap items-baseline gap-2">
            <TextLink href={`/jobs/${j.id}`} className="font-medium">
              {j.relation}
            </TextLink>
            <span className="text-zinc-500">
              {formatNumber(j.scope)} rows (the rows below included), requested by {who(j.requestedBy)} {formatRelative(j.createdAt)}
              {j.waitReason ? "; stopped mid-way for more" : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
