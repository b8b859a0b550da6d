import type { Store } from "../store/client";

/**
 * A token that changes whenever stored figures do: every sweep, and every refresh after an
 * action (lib/sweeps/refresh.ts), ends by completing a sweep row. Pages poll it (cheap: one
 * index probe) and re-render when it moves, so they show new figures without a reload.
 */
export async function figuresVersion(store: Store): Promise<string> {
  const row = await store.prisma.sweep.findFirst({
    where: { status: "completed", finishedAt: { not: null } },
    orderBy: { finishedAt: "desc" },
    select: { id: true, finishedAt: true },
  });
  return row ? `${row.id}@${row.finishedAt!.toISOString()}` : "none";
}
