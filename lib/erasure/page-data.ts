import "server-only";
import type { ErasureRequest } from "../../generated/prisma/client";
import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { coverageReport, type CoverageReport } from "./coverage";
import { storedTables, type StoredTables } from "./evidence";
import { erasureCounts, getRequest, listRequests, type RequestState } from "./requests";
import { unreviewedColumns } from "./run";
import { activeRun } from "./runs";
import { subjectTrace, type SubjectTrace } from "./trace";
import type { UnreviewedColumn } from "./verify";
import { withdrawalOf, withdrawalsOf } from "./withdraw";

/** What /erasure shows: requests (incomplete first), counts, the run in progress, coverage. */
export async function loadErasureList(store: Store, config: Config, filter: { state?: RequestState; withdrawn?: boolean; page: number }) {
  const take = 50;
  const [list, counts, running, withdrawnCount] = await Promise.all([
    listRequests(store, { state: filter.state, withdrawn: filter.withdrawn, take, skip: (filter.page - 1) * take }),
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
  const withdrawals = await withdrawalsOf(store, list.rows.map((r) => r.id));
  return { ...list, take, counts, running, coverage, unreviewed, withdrawals, withdrawnCount };
}

/**
 * What /erasure/[id] shows: the request, its withdrawal, its latest breakdown, its evidence
 * history (newest first), and, read now, what Custodian knows of the key and the subject
 * table's coverage gaps nobody reviewed (catalogs only, like the list's coverage report).
 */
export async function loadErasureRequest(store: Store, config: Config, id: string) {
  const request = await getRequest(store, id);
  if (!request) return null;
  const [history, withdrawal] = await Promise.all([
    store.prisma.erasureEvidence.findMany({ where: { requestId: id }, orderBy: { id: "desc" }, take: 100 }),
    withdrawalOf(store, id),
  ]);
  const latest: StoredTables | null = history[0] ? storedTables(history[0]) : null;
  const people = new Set([...history.map((h) => h.verifiedBy), ...(withdrawal ? [withdrawal.withdrawnBy] : [])]);
  const staff = await store.prisma.user.findMany({ where: { id: { in: [...people] } }, select: { id: true, email: true } });
  const { trace, unreviewed } = await liveQualifiers(store, config, request);
  return { request, history, latest, withdrawal, trace, unreviewed, names: new Map(staff.map((u) => [u.id, u.email])) };
}

async function liveQualifiers(store: Store, config: Config, request: ErasureRequest): Promise<{ trace: SubjectTrace | null; unreviewed: UnreviewedColumn[] | null }> {
  const subject = config.subjects.find((s) => s.name === request.subject);
  if (!subject) return { trace: null, unreviewed: null };
  const pool = new TargetPool(config.targets);
  try {
    const resolved = await resolveRelations(config, pool);
    const schema = subject.schema ?? request.schema ?? (await (await pool.get(subject.target)).defaultSchema());
    const resolvedSubject = { name: subject.name, target: subject.target, schema, table: subject.table, keyColumns: subject.key, key: request.key };
    const [trace, coverage] = await Promise.all([subjectTrace(store, resolvedSubject, resolved.relations, request.id), coverageReport(config, pool, store, resolved)]);
    return { trace, unreviewed: coverage.failures.length ? null : unreviewedColumns(coverage, subject.name) };
  } catch {
    // a target that cannot be read: the page still shows what the store holds
    return { trace: null, unreviewed: null };
  } finally {
    await pool.close();
  }
}
