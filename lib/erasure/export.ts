import { z } from "zod";
import type { ErasureEvidence, ErasureWithdrawal, Prisma } from "../../generated/prisma/client";
import type { Store } from "../store/client";
import { storedTables } from "./evidence";
import { existingEvidenceKey, keyFingerprint, signatureHolds } from "./signing";
import { subjectLabel } from "./subjects";
import { verdictText } from "./trace";
import { withdrawalsOf } from "./withdraw";

/** What an export covers: one request's evidence, or every verification in a period (UTC days, inclusive). */
export const evidenceScopeSchema = z
  .object({
    request: z.uuid().optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .refine((s) => s.request || (s.from && s.to), { message: "expected request=<id>, or from= and to= dates" })
  .refine((s) => !(s.from && s.to) || s.from <= s.to, { message: "from must not be after to", path: ["to"] });
export type EvidenceScope = z.infer<typeof evidenceScopeSchema>;

export function scopeWhere(s: EvidenceScope): Prisma.ErasureEvidenceWhereInput {
  return {
    ...(s.request ? { requestId: s.request } : {}),
    ...(s.from && s.to ? { verifiedAt: { gte: new Date(`${s.from}T00:00:00Z`), lt: new Date(Date.parse(`${s.to}T00:00:00Z`) + 86_400_000) } } : {}),
  };
}

export function scopeLabel(s: EvidenceScope, subject?: string): string {
  const period = s.from && s.to ? `${s.from} to ${s.to} (UTC)` : null;
  if (s.request) return `subject ${subject ?? s.request}${period ? `, ${period}` : ""}`;
  return `all verifications, ${period}`;
}

/** Evidence records in id order, a page at a time: an export of any size holds one page. */
export async function* streamEvidence(store: Store, scope: EvidenceScope, pageSize = 200): AsyncGenerator<ErasureEvidence> {
  let after: bigint | null = null;
  for (;;) {
    const page: ErasureEvidence[] = await store.prisma.erasureEvidence.findMany({
      where: { ...scopeWhere(scope), ...(after == null ? {} : { id: { gt: after } }) },
      orderBy: { id: "asc" },
      take: pageSize,
    });
    yield* page;
    if (page.length < pageSize) return;
    after = page[page.length - 1].id;
  }
}

/** Evidence records with the withdrawal of their request, if it was withdrawn (looked up a page at a time). */
export async function* streamMarkedEvidence(store: Store, scope: EvidenceScope): AsyncGenerator<{ e: ErasureEvidence; withdrawal: ErasureWithdrawal | null }> {
  let page: ErasureEvidence[] = [];
  const flush = async function* () {
    const withdrawals = await withdrawalsOf(
      store,
      page.flatMap((e) => (e.requestId ? [e.requestId] : [])),
    );
    for (const e of page) yield { e, withdrawal: (e.requestId && withdrawals.get(e.requestId)) || null };
    page = [];
  };
  for await (const e of streamEvidence(store, scope)) {
    page.push(e);
    if (page.length >= 200) yield* flush();
  }
  yield* flush();
}

/** The verdict as people read it, from a stored record: "complete — 1 column not yet reviewed, never seen by Custodian". */
export function storedVerdictText(e: Pick<ErasureEvidence, "verdict" | "residualRows" | "tables">): string {
  const { unreviewedColumns, trace } = storedTables(e);
  return verdictText(e, { unreviewedColumns, trace });
}

export const CSV_HEADER = [
  "evidence_id",
  "verified_at",
  "verified_by",
  "custodian_version",
  "config_hash",
  "subject",
  "verdict",
  "subject_residual_rows",
  // what qualifies the verdict: coverage gaps not reviewed (empty: not counted in older records), Custodian's trace of the key
  "unreviewed_columns",
  "verdict_text",
  // a withdrawn request's evidence stays in exports, marked
  "withdrawn_at",
  "withdrawn_by",
  "withdrawal_reason",
  "target",
  "schema",
  "table",
  "residual_rows",
  "redacted_rows",
  "sample_keys",
  "error",
  "hash",
  "prev_hash",
  "signature",
  "signing_key_fingerprint",
];

/**
 * What a record's signature says, for exports: the fingerprint of the evidence key when it
 * holds under it, "unsigned" for a record written before signing, "DOES NOT VERIFY" else.
 */
export function signatureStatus(store: Store): (e: Pick<ErasureEvidence, "hash" | "signature">) => string {
  const publicKey = existingEvidenceKey(store.env ?? process.env)?.publicKey ?? null;
  const fingerprint = publicKey ? keyFingerprint(publicKey) : null;
  return (e) => {
    if (!e.signature) return "unsigned";
    return publicKey && signatureHolds(publicKey, e.hash, e.signature) ? fingerprint! : "DOES NOT VERIFY";
  };
}

/** One CSV line per table checked in each verification (ids and counts only). */
export async function* evidenceCsvRows(store: Store, scope: EvidenceScope, names: Map<string, string>): AsyncGenerator<unknown[]> {
  const signedBy = signatureStatus(store);
  for await (const { e, withdrawal: w } of streamMarkedEvidence(store, scope)) {
    const { tables, failures, unreviewedColumns } = storedTables(e);
    const head = [
      e.id,
      e.verifiedAt,
      names.get(e.verifiedBy) ?? e.verifiedBy,
      e.custodianVersion,
      e.configHash,
      subjectLabel(e),
      e.verdict,
      e.residualRows,
      unreviewedColumns ?? null,
      storedVerdictText(e),
      w?.withdrawnAt ?? null,
      w ? (names.get(w.withdrawnBy) ?? w.withdrawnBy) : null,
      w?.reason ?? null,
    ];
    const tail = [e.hash, e.prevHash, e.signature, signedBy(e)];
    for (const t of tables) {
      yield [
        ...head,
        t.target,
        t.schema,
        t.table,
        t.error ? null : t.residualRows,
        t.redactedRows,
        t.sampleKeys.map((k) => k.join("/")).join(" "),
        t.error ?? null,
        ...tail,
      ];
    }
    for (const f of failures ?? []) yield [...head, f.target, null, null, null, null, null, `catalog unreadable: ${f.error}`, ...tail];
  }
}
