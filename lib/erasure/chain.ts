import { createHash } from "node:crypto";

/** The first record's predecessor. */
export const GENESIS = "0".repeat(64);

/** What one evidence record commits to: every stored field but its own hash. */
export interface EvidenceFields {
  id: bigint;
  requestId: string | null;
  subject: string;
  target: string;
  schema: string;
  table: string;
  key: string[];
  verifiedAt: Date;
  verifiedBy: string;
  custodianVersion: string;
  configHash: string;
  verdict: string;
  residualRows: bigint;
  tables: unknown;
  prevHash: string;
}

/**
 * sha256 over the record as canonical JSON (keys sorted at every level): the store's
 * JSONB reorders object keys, so the hash must not depend on their order. The id is in
 * it, so records cannot be reordered; prevHash, so none can be changed, removed or
 * slipped in without breaking the next link.
 */
export function evidenceHash(e: EvidenceFields): string {
  const doc = {
    id: e.id.toString(),
    requestId: e.requestId,
    subject: e.subject,
    target: e.target,
    schema: e.schema,
    table: e.table,
    key: e.key,
    verifiedAt: e.verifiedAt.toISOString(),
    verifiedBy: e.verifiedBy,
    custodianVersion: e.custodianVersion,
    configHash: e.configHash,
    verdict: e.verdict,
    residualRows: e.residualRows.toString(),
    tables: e.tables,
    prevHash: e.prevHash,
  };
  return createHash("sha256").update(canonicalJson(doc)).digest("hex");
}

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
}
