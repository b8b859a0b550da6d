import type { ErasureRequest, Prisma } from "../../generated/prisma/client";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { canonicalKeys } from "./keys";
import { subjectByName } from "./subjects";
import { NOT_WITHDRAWN } from "./withdraw";

/** Where a request came from. Purge requests (two-phase hard deletes) will file theirs with their id. */
export const SOURCES = ["manual", "csv", "purge"] as const;
export type RequestSource = (typeof SOURCES)[number];

export const STATES = ["pending", "complete", "incomplete", "failed"] as const;
export type RequestState = (typeof STATES)[number];

/**
 * Files erasure requests for keys of a configured subject. Every key is first read by its
 * column's type and kept in canonical form (lib/erasure/keys.ts): one that is no value of
 * that type refuses the whole call, nothing stored; two spellings of one key (`03047`,
 * `3047`) are one request. A key already requested is left as it is (one request per
 * subject and key), so uploading a CSV twice is harmless. Every way in (form, CSV, CLI,
 * purges) files through here. `lines` names each key's line in errors (an upload).
 */
export async function addRequests(
  store: Store,
  config: Config,
  input: {
    subject: string;
    keys: string[][];
    lines?: number[];
    source: RequestSource;
    purgeRequestId?: string;
    requestedBy: string | null;
    pool?: TargetPool;
    /** When the request was received (its Art. 12(3) deadline runs from it); now when not given. */
    receivedAt?: Date;
  },
): Promise<{ created: number; existing: number; ids: string[] }> {
  const s = subjectByName(config, input.subject);
  const pool = input.pool ?? new TargetPool(config.targets);
  let keys: string[][];
  try {
    keys = await canonicalKeys(pool, s, input.keys, input.lines);
  } finally {
    if (!input.pool) await pool.close();
  }
  const unique = [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
  const rows = unique.map((key) => ({
    subject: s.name,
    target: s.target,
    schema: s.schema ?? null,
    table: s.table,
    key,
    keyText: JSON.stringify(key),
    source: input.source,
    purgeRequestId: input.purgeRequestId ?? null,
    requestedBy: input.requestedBy,
    ...(input.receivedAt ? { receivedAt: input.receivedAt } : {}),
  }));
  const { count } = await store.prisma.erasureRequest.createMany({ data: rows, skipDuplicates: true });
  const ids = (
    await store.prisma.erasureRequest.findMany({
      where: { subject: s.name, keyText: { in: rows.map((r) => r.keyText) } },
      select: { id: true },
    })
  ).map((r) => r.id);
  return { created: count, existing: rows.length - count, ids };
}

export interface RequestFilter {
  state?: RequestState;
  /** Withdrawn requests only; without it, the open ones (withdrawn left out). */
  withdrawn?: boolean;
  subject?: string;
  /** Part of a key or of a subject's name, in any case. */
  search?: string;
  take?: number;
  skip?: number;
}

/** Incomplete first (what needs action), then never verified, failed, complete; newest first within each. */
const STATE_RANK: Record<string, number> = { incomplete: 0, failed: 1, pending: 2, complete: 3 };

export async function listRequests(store: Store, f: RequestFilter = {}): Promise<{ rows: ErasureRequest[]; total: number }> {
  const where: Prisma.ErasureRequestWhereInput = {
    ...(f.state ? { state: f.state } : {}),
    ...(f.subject ? { subject: f.subject } : {}),
    ...(f.withdrawn ? { withdrawal: { isNot: null } } : NOT_WITHDRAWN),
    ...(f.search
      ? { OR: [{ keyText: { contains: f.search, mode: "insensitive" as const } }, { subject: { contains: f.search, mode: "insensitive" as const } }] }
      : {}),
  };
  const [total, ranked] = await Promise.all([
    store.prisma.erasureRequest.count({ where }),
    // Ranking by state happens per state: each state's page is an index range, whatever the volume.
    Promise.all(
      (f.state ? [f.state] : Object.keys(STATE_RANK)).map((state) =>
        store.prisma.erasureRequest.count({ where: { ...where, state } }).then((n) => [state, n] as const),
      ),
    ),
  ]);
  const take = f.take ?? 50;
  let skip = f.skip ?? 0;
  const rows: ErasureRequest[] = [];
  for (const [state, n] of ranked.sort((a, b) => STATE_RANK[a[0]] - STATE_RANK[b[0]])) {
    if (rows.length >= take) break;
    if (skip >= n) {
      skip -= n;
      continue;
    }
    rows.push(
      ...(await store.prisma.erasureRequest.findMany({
        where: { ...where, state },
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
        skip,
        take: take - rows.length,
      })),
    );
    skip = 0;
  }
  return { rows, total };
}

export async function getRequest(store: Store, id: string): Promise<ErasureRequest | null> {
  return store.prisma.erasureRequest.findUnique({ where: { id } });
}

/** The overview tile: how many open requests (withdrawn ones left out) the last verification found complete, incomplete. */
export async function erasureCounts(store: Store): Promise<Record<RequestState, number>> {
  const groups = await store.prisma.erasureRequest.groupBy({ by: ["state"], where: NOT_WITHDRAWN, _count: { _all: true } });
  const out: Record<RequestState, number> = { pending: 0, complete: 0, incomplete: 0, failed: 0 };
  for (const g of groups) if (g.state in out) out[g.state as RequestState] = g._count._all;
  return out;
}
