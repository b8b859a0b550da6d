import "server-only";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { coverageReport, type CoverageReport } from "./coverage";
import { storedTables, type StoredTables } from "./evidence";
import { erasureCounts, getRequest, listRequests, type RequestState } from "./requests";
import { activeRun } from "./runs";

/** What /erasure shows: requests (incomplete first), counts, the run in progress, coverage. */
export async function loadErasureList(store: Store, config: Config, filter: { state?: RequestState; page: number }) {
  const take = 50;
  const [list, counts, running] = await Promise.all([
    listRequests(store, { state: filter.state, take, skip: (filter.page - 1) * take }),
    erasureCounts(store),
    activeRun(store),
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
  return { ...list, take, counts, running, coverage };
}

/** What /erasure/[id] shows: the request, its latest breakdown, its evidence history (newest first). */
export async function loadErasureRequest(store: Store, id: string) {
  const request = await getRequest(store, id);
  if (!request) return null;
  const history = await store.prisma.erasureEvidence.findMany({ where: { requestId: id }, orderBy: { id: "desc" }, take: 100 });
  const latest: StoredTables | null = history[0] ? storedTables(history[0]) : null;
  const staff = await store.prisma.user.findMany({ where: { id: { in: [...new Set(history.map((h) => h.verifiedBy))] } }, select: { id: true, email: true } });
  return { request, history, latest, names: new Map(staff.map((u) => [u.id, u.email])) };
}
