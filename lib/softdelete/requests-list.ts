import type { Store } from "../store/client";
import { stepView } from "./requests";

/** The newest deletion requests with their steps (of one purge job, when given), for the soft-deletes and purge pages. */
export async function recentRequests(store: Store, take = 50, jobId?: string) {
  const rows = await store.prisma.deletionRequest.findMany({
    where: jobId ? { jobId } : undefined,
    orderBy: { createdAt: "desc" },
    take,
    include: { steps: { orderBy: { seq: "asc" } } },
  });
  return rows.map((r) => ({ ...r, steps: r.steps.map(stepView) }));
}
