import type { Relation } from "../relations/types";
import type { Store } from "../store/client";
import type { ResolvedSubject } from "./subjects";

/**
 * What Custodian knew of a subject's key before this verification. "Complete" alone
 * cannot tell a person Custodian erased from one it never heard of (a mistyped key, a
 * customer of another system): the trace says which it is.
 */
export interface SubjectTrace {
  /** Purge deletion requests of this key, newest first: the subject's own hard delete. */
  deletions: { id: string; jobId: string | null; status: string; createdAt: string; finishedAt: string | null }[];
  /** Sweeps that saw rows referencing this key with no parent left, per relation. */
  sightings: { relation: string; firstSeen: string; lastSeen: string; open: boolean }[];
  /** The first earlier verification of this key that found rows holding its data. */
  residueFound: { evidenceId: string; verifiedAt: string; residualRows: number } | null;
}

const LISTED = 10;

/** The subject's trace in the store: deletion requests, orphan sightings that reference its key, verifications that found rows. */
export async function subjectTrace(store: Store, subject: ResolvedSubject, relations: Relation[], requestId?: string): Promise<SubjectTrace> {
  const keyText = JSON.stringify(subject.key);
  // sightings hold the child's key; a relation into the subject's key holds the subject's key values, in the child's column order
  const sightingKeys = new Map<string, string[]>();
  for (const r of relations) {
    const p = r.parent;
    if (p.target !== subject.target || p.schema !== subject.schema || p.table !== subject.table) continue;
    if (p.columns.length !== subject.keyColumns.length || !p.columns.every((c) => subject.keyColumns.includes(c))) continue;
    const key = JSON.stringify(p.columns.map((c) => subject.key[subject.keyColumns.indexOf(c)]));
    sightingKeys.set(key, [...(sightingKeys.get(key) ?? []), r.name]);
  }
  const [deletions, sightings, residue] = await Promise.all([
    store.prisma.deletionRequest.findMany({
      where: { table: `${subject.target}.${subject.schema}.${subject.table}`, key: keyText },
      orderBy: { createdAt: "desc" },
      take: LISTED,
      select: { id: true, jobId: true, status: true, createdAt: true, finishedAt: true },
    }),
    sightingKeys.size
      ? store.prisma.orphanSighting.findMany({
          where: { OR: [...sightingKeys].map(([key, names]) => ({ key, relation: { in: names } })) },
          orderBy: { firstSeen: "asc" },
          take: LISTED,
          select: { relation: true, firstSeen: true, lastSeen: true, open: true },
        })
      : [],
    store.prisma.erasureEvidence.findFirst({
      // by the request when there is one (one request per subject and key; its index keeps bulk runs linear), else by the key
      where: { ...(requestId ? { requestId } : { subject: subject.name, key: { equals: subject.key } }), residualRows: { gt: 0 } },
      orderBy: { id: "asc" },
      select: { id: true, verifiedAt: true, residualRows: true },
    }),
  ]);
  return {
    deletions: deletions.map((d) => ({
      id: d.id,
      jobId: d.jobId,
      status: d.status,
      createdAt: d.createdAt.toISOString(),
      finishedAt: d.finishedAt?.toISOString() ?? null,
    })),
    sightings: sightings.map((s) => ({ relation: s.relation, firstSeen: s.firstSeen.toISOString(), lastSeen: s.lastSeen.toISOString(), open: s.open })),
    residueFound: residue
      ? { evidenceId: residue.id.toString(), verifiedAt: residue.verifiedAt.toISOString(), residualRows: Number(residue.residualRows) }
      : null,
  };
}

export function seenByCustodian(t: SubjectTrace): boolean {
  return t.deletions.length > 0 || t.sightings.length > 0 || t.residueFound !== null;
}

const day = (iso: string) => iso.slice(0, 10);

/** One line: "never seen by Custodian", or "erased on 2026-11-30 by purge 5c1e…; rows found by verification #12 on 2026-11-02". */
export function traceSummary(t: SubjectTrace): string {
  if (!seenByCustodian(t)) return "never seen by Custodian";
  const parts: string[] = [];
  const done = t.deletions.find((d) => d.status === "completed");
  if (done) parts.push(`erased on ${day(done.finishedAt ?? done.createdAt)} by ${done.jobId ? `purge ${done.jobId}` : `deletion request ${done.id}`}`);
  else if (t.deletions[0]) {
    const d = t.deletions[0];
    parts.push(`deletion ${d.status} since ${day(d.createdAt)} (${d.jobId ? `purge ${d.jobId}` : `deletion request ${d.id}`})`);
  }
  if (t.sightings.length) {
    const first = t.sightings.reduce((a, s) => (s.firstSeen < a ? s.firstSeen : a), t.sightings[0].firstSeen);
    const last = t.sightings.reduce((a, s) => (s.lastSeen > a ? s.lastSeen : a), t.sightings[0].lastSeen);
    const open = t.sightings.some((s) => s.open);
    parts.push(
      `orphaned references seen by sweeps ${open ? `since ${day(first)}` : `from ${day(first)} to ${day(last)}`} (${[...new Set(t.sightings.map((s) => s.relation))].join(", ")})`,
    );
  }
  if (t.residueFound) parts.push(`rows found by verification #${t.residueFound.evidenceId} on ${day(t.residueFound.verifiedAt)}`);
  return parts.join("; ");
}

/**
 * A verdict as people read it, with what qualifies it: "complete, never seen by
 * Custodian", "complete — 1 column not yet reviewed, erased on … by purge …",
 * "incomplete · 13 rows".
 */
export function verdictText(v: { verdict: string; residualRows: number | bigint }, extra: { unreviewedColumns?: number; trace?: SubjectTrace }): string {
  let text = v.verdict === "complete" ? "complete" : `incomplete · ${Number(v.residualRows).toLocaleString("en-US")} rows`;
  if (extra.unreviewedColumns) text += ` — ${unreviewedText(extra.unreviewedColumns)}`;
  if (extra.trace) text += `, ${traceSummary(extra.trace)}`;
  return text;
}

export function unreviewedText(n: number): string {
  return `${n} column${n === 1 ? "" : "s"} not yet reviewed`;
}
