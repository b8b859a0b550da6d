import type { Config } from "../config/types";
import type { SweepResult } from "../detect/sweep";
import { suggestRelations, type Suggestion } from "../relations/suggest";
import type { Store } from "../store/client";
import { withPool, type TargetPool } from "../targets/pool";

/**
 * Keeps the sweep's view of suggested relations (columns that look like references but
 * no relation covers), so pages show them without reading a live target.
 */
export async function storeSuggestions(store: Store, config: Config, sweepId: string, result: SweepResult, pool?: TargetPool): Promise<void> {
  await withPool(config.targets, pool, async (pool) => {
    const suggestions = await suggestRelations(
      config,
      pool,
      result.results.map((r) => r.relation),
    );
    await store.prisma.sweep.update({ where: { id: sweepId }, data: { suggestions: JSON.parse(JSON.stringify(suggestions)) } });
  });
}

/** The suggestions of the latest sweep that computed them. */
export async function latestSuggestions(store: Store): Promise<Suggestion[]> {
  const row = await store.prisma.sweep.findFirst({
    where: { status: "completed", suggestions: { not: { equals: null } } },
    orderBy: { startedAt: "desc" },
    select: { suggestions: true },
  });
  return (row?.suggestions as Suggestion[] | null) ?? [];
}
