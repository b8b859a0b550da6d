import { pendingApprovalCount, pendingApprovals } from "@/lib/cleanup/approval";
import { pendingPreventionApprovals, relationsOf } from "@/lib/prevention/jobs";
import { formatNumber, formatRelative } from "@/lib/format";
import { getStore } from "@/lib/store/web";
import { TextLink } from "@/components/ui/text-link";

/** The navigation's count of cleanups and constraint jobs waiting for this person's approval (rendered only for roles that approve). */
export async function PendingApprovalsBadge({ viewerId }: { viewerId: string }) {
  const store = await getStore();
  const [cleanups, constraints] = await Promise.all([pendingApprovalCount(store, viewerId), pendingPreventionApprovals(store, viewerId)]);
  const n = cleanups + constraints.length;
  if (!n) return null;
  return (
    <span
      className="ml-1 rounded-full bg-amber-500 px-1.5 text-xs font-semibold text-white"
      title={`${n} job${n === 1 ? "" : "s"} waiting for your approval`}
      data-testid="nav-pending-approvals"
    >
      {n}
    </span>
  );
}

/** The overview's list of cleanups and constraint jobs waiting for this person's approval; nothing when none wait. */
export async function PendingApprovals({ viewerId }: { viewerId: string }) {
  const store = await getStore();
  const [jobs, constraints] = await Promise.all([pendingApprovals(store, viewerId), pendingPreventionApprovals(store, viewerId)]);
  if (!jobs.length && !constraints.length) return null;
  const requesters = [...jobs.map((j) => j.requestedBy), ...constraints.map((j) => j.requestedBy)];
  const people = await store.prisma.user.findMany({ where: { id: { in: requesters } }, select: { id: true, email: true } });
  const who = (uid: string) => people.find((p) => p.id === uid)?.email ?? uid;
  return (
    <section className="card border-amber-300 p-4 dark:border-amber-700" aria-label="Approvals waiting" data-testid="pending-approvals">
      {jobs.length > 0 && (
        <>
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
        </>
      )}
      {constraints.length > 0 && (
        <>
          <h2 className={`font-medium ${jobs.length ? "mt-4" : ""}`}>
            Constraints waiting for your approval: <span className="tabular">{formatNumber(constraints.length)}</span>
          </h2>
          <ul className="mt-2 space-y-1 text-sm">
            {constraints.map((j) => (
              <li key={j.id} className="flex flex-wrap items-baseline gap-2">
                <TextLink href={`/prevention/jobs/${j.id}`} className="font-mono font-medium">
                  {relationsOf(j.relations).join(", ")}
                </TextLink>
                <span className="text-zinc-500">
                  requested by {who(j.requestedBy)} {formatRelative(j.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
