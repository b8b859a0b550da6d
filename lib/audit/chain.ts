import { createHash } from "node:crypto";
import type { Store } from "../store/client";

/**
 * The audit trail's hash chain, checked from outside the store. Each event's hash is
 * computed at insert by a trigger inside the store, under a lock (see the migration
 * `evidence_signing_audit_chain`): sha256 of a canonical text of every field and the
 * previous event's hash. This recomputes it, so a row removed (the next one's previous
 * hash no longer matches) or altered (its hash no longer matches) is named.
 */
export const AUDIT_GENESIS = "0".repeat(64);

/** One event as the store prints it (text), which is what was hashed. */
export interface AuditChainRow {
  id: string;
  at: string;
  actor_id: string | null;
  actor_roles: string[] | null;
  action: string;
  object: string | null;
  params: string;
  result: string;
  reason: string | null;
  request_id: string;
  prev_hash: string | null;
  hash: string | null;
}

/** "<bytes>:<text>", or N for NULL: no two different records give the same text. */
const field = (v: string | null) => (v == null ? "N" : `${Buffer.byteLength(v, "utf8")}:${v}`);

export function auditEventHash(e: Omit<AuditChainRow, "hash">): string {
  const roles = e.actor_roles == null || e.actor_roles.length === 0 ? null : e.actor_roles.map(field).join("");
  const text =
    "custodian-audit-v1" + [e.id, e.at, e.actor_id, roles, e.action, e.object, e.params, e.result, e.reason, e.request_id, e.prev_hash].map(field).join("");
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export interface AuditChainReport {
  ok: boolean;
  records: number;
  head: string;
  broken?: { id?: string; reason: string };
}

/** Walks the audit trail in id order, a page at a time. */
export async function verifyAuditChain(store: Store, opts: { expectHead?: string; pageSize?: number } = {}): Promise<AuditChainReport> {
  const pageSize = opts.pageSize ?? 1000;
  let prev = AUDIT_GENESIS;
  let records = 0;
  let after = "0";
  let sawExpected = false;
  for (;;) {
    const page = await store.prisma.$queryRaw<AuditChainRow[]>`
      SELECT id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor_id, actor_roles, action, object,
             params::text AS params, result, reason, request_id, prev_hash, hash
      FROM audit_events WHERE audit_events.id > ${after}::bigint ORDER BY audit_events.id LIMIT ${pageSize}`;
    for (const e of page) {
      const broken = (reason: string): AuditChainReport => ({ ok: false, records, head: prev, broken: { id: e.id, reason } });
      if (e.prev_hash !== prev) {
        return broken(
          e.prev_hash == null
            ? "it has no chain hash (written without the store's chain trigger)"
            : "its previous-event hash does not match the event before it (an event was removed or inserted before it, or the one before was altered)",
        );
      }
      if (auditEventHash(e) !== e.hash) return broken("its contents do not match its hash (the event was altered after it was written)");
      if (opts.expectHead && e.hash === opts.expectHead) sawExpected = true;
      prev = e.hash;
      records++;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1].id;
  }
  if (opts.expectHead && !sawExpected) {
    return {
      ok: false,
      records,
      head: prev,
      broken: { reason: `the head recorded earlier (${opts.expectHead}) is not in the trail: events were removed or the trail was rewritten` },
    };
  }
  return { ok: true, records, head: prev };
}
