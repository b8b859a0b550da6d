import type { ErasureEvidence, ErasureRequest } from "../../generated/prisma/client";
import type { Config } from "../config/types";
import { resolveRelations, type ResolvedRelations } from "../relations/resolve";
import { startHeartbeat } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import { configHash } from "../store/scans";
import { TargetPool } from "../targets/pool";
import { log } from "../log/logger";
import { recordEvidence } from "./evidence";
import { erasureRuns } from "./runs";
import { publishNewHeads } from "./publish-head";
import { signingKey } from "./store-key";
import { resolveSubject, subjectByName } from "./subjects";
import { coverageReport, type CoverageReport } from "./coverage";
import { subjectTrace } from "./trace";
import { verifySubject, type UnreviewedColumn, type Verification } from "./verify";
import { NOT_WITHDRAWN, RequestWithdrawnError, withdrawalOf } from "./withdraw";
import { logFailure } from "../errors/logged";

export interface VerifiedRequest {
  verification: Verification;
  evidence: ErasureEvidence;
}

/**
 * Verifies one request and files the result as evidence; the request takes the verdict.
 * `shared` lets a bulk run open each target and read each catalog once for all requests.
 */
export async function verifyRequest(
  store: Store,
  config: Config,
  request: ErasureRequest,
  verifiedBy: string,
  shared?: { pool: TargetPool; resolved?: ResolvedRelations; coverage?: CoverageReport | null },
): Promise<VerifiedRequest> {
  const withdrawn = await withdrawalOf(store, request.id);
  if (withdrawn) {
    throw new RequestWithdrawnError(
      `This request was withdrawn on ${withdrawn.withdrawnAt.toISOString().slice(0, 10)} (${withdrawn.reason}): it is not verified again.`,
    );
  }
  // a missing key, or one that is not the store's, stops a single verification before it walks
  // (a bulk run, which shares its resolved relations, checked once at its start)
  if (!shared?.resolved) await signingKey(store);
  const pool = shared?.pool ?? new TargetPool(config.targets, { use: "reads" });
  try {
    const subject = await resolveSubject(pool, subjectByName(config, request.subject), request.key);
    const resolved = shared?.resolved ?? (await resolveRelations(config, pool));
    const verification = await verifySubject(config, pool, subject, resolved);
    const coverage = shared?.coverage !== undefined ? shared.coverage : await readCoverage(config, pool, store, resolved);
    // no coverage report (a catalog unreadable): the verdict is already incomplete, and gaps are not claimed either way
    if (coverage) verification.unreviewed = unreviewedColumns(coverage, subject.name);
    verification.trace = await subjectTrace(store, subject, resolved.relations, request.id);
    const evidence = await recordEvidence(store, verification, { requestId: request.id, verifiedBy, configHash: configHash(config.file) });
    await store.prisma.erasureRequest.update({
      where: { id: request.id },
      data: { state: verification.verdict, lastVerifiedAt: evidence.verifiedAt, lastEvidenceId: evidence.id, residualRows: BigInt(verification.residualRows) },
    });
    // a single verification publishes the new heads too (a bulk run publishes once, at its end)
    // (a bulk run is told apart by the relations it shares; a caller may share only its pool)
    if (!shared?.resolved) await publishNewHeads(store, config, evidence, (line) => log().warn(line));
    return { verification, evidence };
  } finally {
    if (!shared) await pool.close();
  }
}

async function readCoverage(config: Config, pool: TargetPool, store: Store, resolved: ResolvedRelations): Promise<CoverageReport | null> {
  // without it the verdict says coverage is unknown; why is in the log
  return coverageReport(config, pool, store, resolved).catch(async (err) => {
    await logFailure("erasure", "reading the coverage report")(err);
    return null;
  });
}

/** The subject's coverage gaps nobody has reviewed: columns a "complete" verdict did not check. */
export function unreviewedColumns(coverage: CoverageReport, subject: string): UnreviewedColumn[] {
  return coverage.entries
    .filter((e) => e.subject === subject && !e.decision)
    .map((e) => ({ target: e.target, schema: e.schema, table: e.table, column: e.column }));
}

/** Marks a request that could not be verified at all (its subject is no longer configured…). */
export async function markFailed(store: Store, requestId: string): Promise<void> {
  await store.prisma.erasureRequest.update({ where: { id: requestId }, data: { state: "failed", lastVerifiedAt: new Date() } });
}

const PAGE = 100;

/**
 * Verifies every request, oldest first, reporting progress on the run row after each one.
 * Targets are opened once and catalogs read once for the whole run; memory holds one
 * page of requests and one subject's walk at a time.
 */
export async function runVerifications(store: Store, config: Config, runId: string, verifiedBy: string, log?: (line: string) => void): Promise<void> {
  // Verification only reads: a replica where the target has one.
  const pool = new TargetPool(config.targets, { use: "reads" });
  const counts = { done: 0, complete: 0, incomplete: 0, failed: 0 };
  // alive while one subject's walk takes long too, not only between requests
  const stopHeartbeat = startHeartbeat(store, erasureRuns, runId);
  try {
    // checked once, before any request: a wrong or missing key fails the run with its reason
    // instead of marking every request failed
    await signingKey(store);
    // withdrawn requests are left out of runs, like out of the open lists
    const total = await store.prisma.erasureRequest.count({ where: NOT_WITHDRAWN });
    await store.prisma.erasureRun.update({ where: { id: runId }, data: { total, ...counts, heartbeatAt: new Date() } });
    const resolved = await resolveRelations(config, pool);
    // one coverage report for the run: catalogs and reviews as they stand when it starts
    const coverage = await readCoverage(config, pool, store, resolved);
    let after: string | null = null;
    for (;;) {
      const page: ErasureRequest[] = await store.prisma.erasureRequest.findMany({
        where: { ...NOT_WITHDRAWN, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: "asc" },
        take: PAGE,
      });
      for (const request of page) {
        try {
          const { verification } = await verifyRequest(store, config, request, verifiedBy, { pool, resolved, coverage });
          counts[verification.verdict]++;
        } catch (err) {
          if (err instanceof RequestWithdrawnError) {
            // withdrawn while this run was under way: left as it is, out of the counts
            await store.prisma.erasureRun.update({ where: { id: runId }, data: { total: { decrement: 1 }, heartbeatAt: new Date() } });
            continue;
          }
          counts.failed++;
          log?.(`erasure request ${request.id} could not be verified: ${(err as Error)?.message ?? err}`);
          await markFailed(store, request.id).catch(logFailure("erasure", `marking request ${request.id} failed`));
        }
        counts.done++;
        // progress and heartbeat in one write per request: a run whose heartbeat stops was abandoned
        await store.prisma.erasureRun.update({ where: { id: runId }, data: { ...counts, heartbeatAt: new Date() } });
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].id;
    }
    await store.prisma.erasureRun.update({ where: { id: runId }, data: { status: "completed", finishedAt: new Date() } });
  } catch (err) {
    await store.prisma.erasureRun
      .update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date(), error: (err as Error)?.message ?? String(err) } })
      .catch(logFailure("erasure", `marking run ${runId} failed`));
    throw err;
  } finally {
    stopHeartbeat();
    await pool.close();
  }
}
