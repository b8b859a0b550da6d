import type { ErasureEvidence, Prisma } from "../../generated/prisma/client";
import type { Store } from "../store/client";
import type { KeyObject } from "node:crypto";
import { evidenceHash, GENESIS } from "./chain";
import { evidenceKey, existingEvidenceKey, signatureHolds, signHash } from "./signing";
import { claimSigningKey } from "./store-key";
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
  // Loaded (or, embedded store only, generated) before the lock: a missing or bad key stops here, nothing half-written.
  const key = evidenceKey(store.env ?? process.env);
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
    // the store's key, or (first signature) it becomes this one: one key signs the whole chain
    await claimSigningKey(tx, key);
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
    const hash = evidenceHash(fields);
    return tx.erasureEvidence.create({ data: { ...fields, hash, signature: signHash(key, hash) } });
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
  /** The last good record's hash: write it down elsewhere (or let the webhook publish it) to make removing the newest records detectable. */
  head: string;
  /** The first broken link, or why the chain does not hold as a whole (no id then). */
  broken?: { id?: string; reason: string };
  /** Records before this id were written before signing: the hash chain ties them to this record's signature. */
  unsignedBefore?: string;
}

export interface VerifyChainOptions {
  /** The key to check signatures with; default: the evidence key at hand (never a new one). */
  publicKey?: KeyObject | null;
  /** A head recorded earlier: the chain must still hold it. */
  expectHead?: string;
  pageSize?: number;
}

/**
 * Walks the whole chain in id order, a page at a time, and names the first link that does
 * not hold: a wrong previous hash, contents that do not match the hash, or a signature that
 * does not match (a rewritten chain whose hashes were all recomputed). Unsigned records are
 * accepted only before the first signed one (written before signing existed; that record's
 * signature covers them through the chain); a chain whose newest records are unsigned does
 * not hold, since nothing outside the store vouches for them.
 */
export async function verifyChain(store: Store, opts: VerifyChainOptions = {}): Promise<ChainReport> {
  const publicKey = opts.publicKey !== undefined ? opts.publicKey : (existingEvidenceKey(store.env ?? process.env)?.publicKey ?? null);
  const pageSize = opts.pageSize ?? 500;
  let prev = GENESIS;
  let records = 0;
  let after: bigint | null = null;
  let firstSigned: string | undefined;
  let firstUnsigned: string | undefined;
  let sawExpected = false;
  const brokenAt = (id: bigint, reason: string): ChainReport => ({ ok: false, records, head: prev, broken: { id: id.toString(), reason } });
  for (;;) {
    const page: ErasureEvidence[] = await store.prisma.erasureEvidence.findMany({
      where: after == null ? {} : { id: { gt: after } },
      orderBy: { id: "asc" },
      take: pageSize,
    });
    for (const e of page) {
      if (e.prevHash !== prev) {
        return brokenAt(e.id, `its previous-record hash does not match the record before it (a record was removed, inserted or altered before it)`);
      }
      if (evidenceHash(e) !== e.hash) {
        return brokenAt(e.id, "its contents do not match its hash (the record was altered after it was written)");
      }
      if (e.signature) {
        if (!publicKey) return brokenAt(e.id, "it is signed, but no public key is at hand to check it (pass --public-key FILE)");
        if (!signatureHolds(publicKey, e.hash, e.signature)) {
          return brokenAt(e.id, "its signature does not match its hash (the chain was rewritten from here on, or signed with another key)");
        }
        firstSigned ??= e.id.toString();
      } else if (firstSigned) {
        return brokenAt(e.id, `it is not signed, but records before it are (its signature was removed, or it was written without the evidence key)`);
      } else {
        firstUnsigned ??= e.id.toString();
      }
      if (opts.expectHead && e.hash === opts.expectHead) sawExpected = true;
      prev = e.hash;
      records++;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1].id;
  }
  if (firstUnsigned && !firstSigned) {
    return {
      ok: false,
      records,
      head: prev,
      broken: {
        id: firstUnsigned,
        reason:
          "it and every record after it are unsigned (written before evidence signing): nothing outside the store vouches for them until the next verification seals them",
      },
    };
  }
  if (opts.expectHead && !sawExpected) {
    return {
      ok: false,
      records,
      head: prev,
      broken: { reason: `the head recorded earlier (${opts.expectHead}) is not in the chain: records were removed or the chain was rewritten` },
    };
  }
  return { ok: true, records, head: prev, ...(firstUnsigned ? { unsignedBefore: firstSigned } : {}) };
}
