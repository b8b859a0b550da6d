import "server-only";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { coverageReport, type CoverageReport } from "./coverage";
import { storedTables, type StoredTables } from "./evidence";
import { erasureCounts, getRequest, listRequests, type RequestState } from "./requests";
import { activeRun } from "./runs";
import { withdrawalOf, withdrawalsOf } from "./withdraw";

/** What /erasure shows: requests (incomplete first), counts, the run in progress, coverage. */
export async function loadErasureList(store: Store, config: Config, filter: { state?: RequestState; withdrawn?: boolean; search?: string; page: number }) {
  const take = 50;
  const [list, counts, running, withdrawnCount] = await Promise.all([
    listRequests(store, { state: filter.state, withdrawn: filter.withdrawn, search: filter.search, take, skip: (filter.page - 1) * take }),
    erasureCounts(store),
    activeRun(store),
    store.prisma.erasureWithdrawal.count(),
  ]);
  // Catalogs only (no rows): cheap, and always current with the targets' schemas.
  const pool = new TargetPool(config.targets);
  let coverage: CoverageReport;
  try {
    coverage = await coverageReport(config, pool, store);
  } catch (err) {
    coverage = { entries: [], failures: [{ target: "(all)", error: (err as Error)?.message ?? String(err) }] };
  } finally {
    await pool.close();
  }
  // a verdict of a subject whose table has gaps nobody reviewed says so (the gaps as they are now)
  const unreviewed = new Map<string, number>();
  for (const e of coverage.entries) if (!e.decision) unreviewed.set(e.subject, (unreviewed.get(e.subject) ?? 0) + 1);
  const withdrawals = await withdrawalsOf(
    store,
    list.rows.map((r) => r.id),
  );
  return { ...list, take, counts, running, coverage, unreviewed, withdrawals, withdrawnCount };
}

/**
 * What /erasure/[id] shows: the request, its withdrawal, its latest breakdown, its evidence
 * history (newest first). What Custodian knew of the key and the table's unreviewed gaps
 * come from the latest evidence record: the page reads the store only, never a target.
 */
export async function loadErasureRequest(store: Store, id: string) {
  const request = await getRequest(store, id);
  if (!request) return null;
  const [history, withdrawal] = await Promise.all([
    store.prisma.erasureEvidence.findMany({ where: { requestId: id }, orderBy: { id: "desc" }, take: 100 }),
    withdrawalOf(store, id),
  ]);
  const latest: StoredTables | null = history[0] ? storedTables(history[0]) : null;
  const people = new Set([...history.map((h) => h.verifiedBy), ...(withdrawal ? [withdrawal.withdrawnBy] : [])]);
  const staff = await store.prisma.user.findMany({ where: { id: { in: [...people] } }, select: { id: true, email: true } });
  return {
    request,
    history,
    latest,
    withdrawal,
    trace: latest?.trace ?? null,
    unreviewed: latest?.unreviewed ?? null,
    names: new Map(staff.map((u) => [u.id, u.email])),
  };
}
