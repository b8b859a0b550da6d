/** What the jobs pages read from the store: the pages compose, this module queries. */
import { actorNames } from "../audit/query";
import { readSnapshot } from "../cleanup/approval";
import { jsonRow } from "../cleanup/rows";
import { previewByName } from "../cleanup/start";
import { cleanupStatus } from "../cleanup/status";
import { archiveRestores } from "../cleanup/restore-log";
import type { Config } from "../config/types";
import { purgeStatus, recentPurges } from "../softdelete/purge-control";
import { recentRequests } from "../softdelete/requests-list";
import type { Store } from "../store/client";

/** The jobs list: the latest cleanups, purges and sweeps, newest first. */
export async function jobsList(store: Store) {
  const [cleanups, purges, sweeps] = await Promise.all([
    store.prisma.cleanupJob.findMany({ orderBy: { createdAt: "desc" }, take: 100 }),
    recentPurges(store),
    store.prisma.sweep.findMany({ orderBy: { startedAt: "desc" }, take: 20 }),
  ]);
  return { cleanups, purges, sweeps };
}

/** One cleanup job, the emails of the people it names, and (while it waits) what its requester saw. */
export async function cleanupJobPage(store: Store, id: string) {
  const status = await cleanupStatus(store, id);
  if (!status) return null;
  const waiting = status.status === "awaiting_approval";
  const [row, restores] = await Promise.all([
    waiting ? store.prisma.cleanupJob.findUnique({ where: { id }, select: { requestSnapshot: true } }) : null,
    status.restored ? archiveRestores(store, id) : [],
  ]);
  const people = await actorNames(store, [status.requestedBy, status.approvedBy, status.rejectedBy, ...restores.map((r) => r.by)]);
  return {
    status,
    waiting,
    restores,
    snapshot: waiting ? readSnapshot(row?.requestSnapshot) : null,
    who: (uid: string | null) => (uid ? (people.get(uid) ?? uid) : "—"),
  };
}

/** One purge job, the deletion requests it opened, and who asked for it. */
export async function purgeJobPage(store: Store, id: string) {
  const status = await purgeStatus(store, id);
  if (!status) return null;
  const [requests, names] = await Promise.all([recentRequests(store, 200, id), actorNames(store, [status.requestedBy])]);
  return { status, requests, requester: names.get(status.requestedBy) ?? status.requestedBy };
}

/** The latest cleanups of one relation, for its page. */
export function cleanupsOf(store: Store, relation: string, take = 5) {
  return store.prisma.cleanupJob.findMany({ where: { relation }, orderBy: { createdAt: "desc" }, take });
}

/** The same figures as a cleanup's request, counted again now from the target, for its approver. */
export interface FreshCount {
  eligible: number;
  inGrace: number;
  allowlisted: number;
  scope: number;
  dependents: { table: string; policy: string; rows: number }[];
}

type OrError<T> = T | { error: string } | null;

/**
 * What an approver decides on besides the request: today's figures (`fresh`, for those who
 * may approve) and a sample of the rows (`sample`, for those who may preview orphans), both
 * read live: the job keeps keys only. The one live read of the job page.
 */
export async function liveApprovalFigures(store: Store, config: Config, relation: string, may: { approve: boolean; preview: boolean }) {
  let fresh: OrError<FreshCount> = null;
  let sample: OrError<{ rows: Record<string, unknown>[] }> = null;
  if (!may.approve && !may.preview) return { fresh, sample };
  try {
    const p = await previewByName(store, config, relation);
    if (may.approve) fresh = { eligible: p.eligible, inGrace: p.inGrace, allowlisted: p.allowlisted, scope: p.scope, dependents: p.dependents };
    if (may.preview) sample = { rows: p.sample.map(jsonRow) };
  } catch (err) {
    if (may.approve) fresh = { error: (err as Error).message };
    if (may.preview) sample = { error: (err as Error).message };
  }
  return { fresh, sample };
}
