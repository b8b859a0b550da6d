import type { ErasureEvidence, Prisma } from "../../generated/prisma/client";
import type { Store } from "../store/client";
import { evidenceHash, GENESIS } from "./chain";
import type { SubjectTrace } from "./trace";
import type { UnreviewedColumn, Verification } from "./verify";
import { CUSTODIAN_VERSION } from "./version";

/** Serialises evidence appends across processes (any constant unique to this lock). */
const CHAIN_LOCK = 7310;

export interface EvidenceMeta {
  requestId: string | null;
  verifiedBy: string;
  configHash: string;
  verifiedAt?: Date;
}

/**
 * Appends one verification to the evidence chain. Under an advisory lock, so two
 * verifications finishing together cannot both claim the same predecessor (prev_hash is
 * unique as well: a fork would be refused, not stored). The id is taken first because
 * the hash covers it.
 */
export async function recordEvidence(store: Store, v: Verification, meta: EvidenceMeta): Promise<ErasureEvidence> {
  // Plain JSON (what JSONB gives back), so the hash computed now is the one recomputed later.
  const tables = JSON.parse(JSON.stringify(v.tables));
  const failures = v.failures.map((f) => ({ target: f.target, error: f.error }));
  const stored: StoredTables = {
    tables,
    ...(failures.length ? { failures } : {}),
    ...(v.cycles.length ? { cycles: v.cycles } : {}),
    // what qualifies the verdict, under the hash like the rest: gaps not reviewed, and what Custodian knew of the key
    ...(v.unreviewed ? { unreviewedColumns: v.unreviewed.length, unreviewed: v.unreviewed.map((c) => ({ ...c })) } : {}),
    ...(v.trace ? { trace: JSON.parse(JSON.stringify(v.trace)) } : {}),
  };
  return store.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
    const last = await tx.erasureEvidence.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
    const [{ id }] = await tx.$queryRaw<{ id: bigint }[]>`SELECT nextval(pg_get_serial_sequence('erasure_evidence', 'id')) AS id`;
    const fields = {
      id: BigInt(id),
      requestId: meta.requestId,
      subject: v.subject.name,
      target: v.subject.target,
      schema: v.subject.schema,
      table: v.subject.table,
      key: v.subject.key,
      // milliseconds, like the column (timestamptz(3)): the hash is recomputed from what the store gives back
      verifiedAt: meta.verifiedAt ?? new Date(),
      verifiedBy: meta.verifiedBy,
      custodianVersion: CUSTODIAN_VERSION,
      configHash: meta.configHash,
      verdict: v.verdict,
      residualRows: BigInt(v.residualRows),
      tables: stored as unknown as Prisma.InputJsonValue,
      prevHash: last?.hash ?? GENESIS,
    };
    return tx.erasureEvidence.create({ data: { ...fields, hash: evidenceHash(fields) } });
  });
}

/** The tables part of a stored record (and what could not be read). */
export interface StoredTables {
  tables: Verification["tables"];
  failures?: { target: string; error: string }[];
  cycles?: string[];
  /** Coverage gaps of the subject's table not reviewed at the time (absent in records made before they were counted). */
  unreviewedColumns?: number;
  unreviewed?: UnreviewedColumn[];
  /** What Custodian knew of the key before this verification (absent in older records). */
  trace?: SubjectTrace;
}

export function storedTables(e: Pick<ErasureEvidence, "tables">): StoredTables {
  return e.tables as unknown as StoredTables;
}

export interface ChainReport {
  ok: boolean;
  records: number;
  /** The last record's hash: write it down elsewhere to make removing the newest records detectable too. */
  head: string;
  /** The first broken link, when there is one. */
  broken?: { id: string; reason: string };
}

/** Walks the whole chain in id order, a page at a time, and names the first link that does not hold. */
export async function verifyChain(store: Store, pageSize = 500): Promise<ChainReport> {
  let prev = GENESIS;
  let records = 0;
  let after: bigint | null = null;
  for (;;) {
    const page: ErasureEvidence[] = await store.prisma.erasureEvidence.findMany({
      where: after == null ? {} : { id: { gt: after } },
      orderBy: { id: "asc" },
      take: pageSize,
    });
    for (const e of page) {
      if (e.prevHash !== prev) {
        return { ok: false, records, head: prev, broken: { id: e.id.toString(), reason: `its previous-record hash does not match the record before it (a record was removed, inserted or altered before it)` } };
      }
      if (evidenceHash(e) !== e.hash) {
        return { ok: false, records, head: prev, broken: { id: e.id.toString(), reason: "its contents do not match its hash (the record was altered after it was written)" } };
      }
      prev = e.hash;
      records++;
    }
    if (page.length < pageSize) return { ok: true, records, head: prev };
    after = page[page.length - 1].id;
  }
}
