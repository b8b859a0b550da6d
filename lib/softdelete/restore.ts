import type { Config } from "../config/types";
import { accountUrl } from "./account-url";
import { pkOf } from "../cleanup/rows";
import type { Store } from "../store/client";
import { reachable } from "../relations/dependents";
import type { TargetPool } from "../targets/pool";
import { clearStampByPk, countBelow, liveHolder, rowsBelow, subjectRow, type Anchor } from "../targets/features/softdelete";
import type { Target, TargetTransaction } from "../targets/types";
import { daysBetween, graceCutoff, stampToDate } from "./grace";
import { keyText } from "./keys";
import { crossRestoreNodes, restoreNodes, type CrossRestoreNode, type RestoreNode } from "./restore-plan";
import { sql, type RawBuilder } from "kysely";
import { olderThan } from "./grace";
import { OPEN_REQUEST_STATUSES } from "./requests";
import { softDeleteTableByName, type SoftDeleteTable } from "./tables";
import { transact } from "./transact";
import { UserError } from "../errors/user-error";

/** Rows cleared per UPDATE: a large account is restored in bounded statements inside one transaction. */
const RESTORE_BATCH = 5000;

export type RefusalCode = "not_found" | "bad_key" | "past_grace" | "purged" | "purge_started" | "unique_taken";

/**
 * What a key that is not a soft-deleted row gets, live or absent alike: support may look
 * at soft-deleted accounts only, so a live account's id must not tell them it exists
 * (let alone its email).
 */
export const NOT_SOFT_DELETED = "not found among soft-deleted rows";

export interface RestorePreview {
  table: string;
  key: string[];
  deletedAt: string | null;
  graceDays: number;
  /** When the grace period ends (the account can be restored until then). */
  graceEndsAt: string | null;
  /** The subject's unique values (what support searched by), shown to support, never audited. */
  unique: Record<string, string | null>;
  /** Per table below the subject: rows soft-deleted in the same cascade, which come back with it (null: its database cannot be read now). */
  children: { table: string; rows: number | null; error?: string }[];
  refusal: { code: RefusalCode; reason: string } | null;
}

export interface RestoreResult {
  table: string;
  key: string[];
  restored: { table: string; rows: number }[];
  /** Tables in other databases that could not be restored (their own transactions): the restore is incomplete. */
  failed: { table: string; error: string }[];
  durationMs: number;
  /** The restored account in the application's own back office (`softDelete[].accountUrl`), or null. */
  accountUrl: string | null;
}

export class RestoreRefused extends UserError {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    // a key of the wrong shape is the caller's mistake; every other refusal is the data's answer
    super(code === "bad_key" ? "usage" : "refused", message);
    this.name = "RestoreRefused";
  }
}

/** A key must name every column of the primary key, no more: a part left over would otherwise be ignored. */
function checkKeyArity(sd: SoftDeleteTable, key: string[]): void {
  if (key.length !== sd.pk.length) {
    const cols = `${sd.pk.length} column${sd.pk.length === 1 ? "" : "s"} (${sd.pk.join(", ")})`;
    throw new RestoreRefused("bad_key", `the key of ${sd.id} is ${cols}; ${key.length} given`);
  }
}

const subjectAnchor = (sd: SoftDeleteTable, key: unknown[]): Anchor => ({ kind: "subject", table: sd.ref, pk: sd.pk, key });
const matchColumn = (sd: SoftDeleteTable) => sd.config.cascadeId ?? sd.column;

/** Why this subject cannot be restored now, or null. Reads the target and the store; changes nothing. */
async function refusalFor(
  store: Store,
  sd: SoftDeleteTable,
  key: string[],
  row: Record<string, unknown> | undefined,
  now: Date,
  q: (s: any) => Promise<any[]>,
) {
  const text = keyText(key);
  if (!row) {
    const purged = await store.prisma.deletionRequest.findFirst({
      where: { table: sd.id, key: text, status: "completed", mode: "delete" },
      orderBy: { finishedAt: "desc" },
    });
    if (purged)
      return {
        code: "purged" as const,
        reason: `already purged on ${purged.finishedAt?.toISOString().slice(0, 10)} (deletion request ${purged.token}): nothing is left to restore`,
      };
    return { code: "not_found" as const, reason: NOT_SOFT_DELETED };
  }
  const stamp = stampToDate(row[sd.column]);
  if (row[sd.column] == null) return { code: "not_found" as const, reason: NOT_SOFT_DELETED };
  const open = await store.prisma.deletionRequest.findFirst({ where: { table: sd.id, key: text, status: { in: [...OPEN_REQUEST_STATUSES] } } });
  if (open)
    return { code: "purge_started" as const, reason: `its purge has started (deletion request ${open.token}, ${open.status}): it can no longer be restored` };
  if (!stamp || stamp < graceCutoff(sd.config.graceDays, now)) {
    const ago = stamp ? `deleted ${Math.floor(daysBetween(stamp, now))} days ago` : "its deletion time is unreadable";
    return { code: "past_grace" as const, reason: `past the ${sd.config.graceDays}-day grace period (${ago}); it waits to be purged` };
  }
  for (const column of sd.config.unique ?? []) {
    const value = row[column];
    if (value == null) continue;
    if ((await q(liveHolder(sd.ref, sd.pk, sd.column, column, value, key))).length) {
      return {
        code: "unique_taken" as const,
        reason: `its ${column} is now used by another live account (registered again after the deletion); restoring would make two`,
      };
    }
  }
  return null;
}

/** What a restore of this subject would bring back, or why it cannot. Changes nothing. */
export async function previewRestore(store: Store, config: Config, pool: TargetPool, table: string, key: string[], now = new Date()): Promise<RestorePreview> {
  const sd = await softDeleteTableByName(config, pool, table);
  checkKeyArity(sd, key);
  const q = (s: any) => sd.target.query(s);
  const [found] = await sd.target.query(subjectRow(sd.ref, sd.pk, key, false));
  // A live row is read no further than its stamp: nothing of it is shown.
  const row = found && found[sd.column] != null ? found : undefined;
  const refusal = await refusalFor(store, sd, key, row, now, q);
  const stamp = row ? stampToDate(row[sd.column]) : null;
  const nodes = row && row[sd.column] != null ? await restoreNodes(config, sd) : [];
  const children: RestorePreview["children"] = [];
  for (const n of [...nodes].reverse()) {
    const [c] = await sd.target.query(countBelow(subjectAnchor(sd, key), n.path, matchColumn(sd)));
    children.push({ table: n.label, rows: Number(c.n) });
  }
  if (row && row[sd.column] != null && stamp) {
    const cross = await crossRestoreNodes(config, sd);
    for (const n of cross.nodes) {
      try {
        const [c] = await reachable(n.node.target).query(countBelow(crossAnchor(n, row), crossPath(sd, n, row, stamp)));
        children.push({ table: n.label, rows: Number(c.n) });
      } catch (err) {
        children.push({ table: n.label, rows: null, error: (err as Error).message });
      }
    }
    for (const u of cross.unreachable) children.push({ table: u.label, rows: null, error: u.error });
  }
  return {
    table: sd.id,
    key,
    deletedAt: stamp?.toISOString() ?? null,
    graceDays: sd.config.graceDays,
    graceEndsAt: stamp ? new Date(stamp.getTime() + sd.config.graceDays * 86_400_000).toISOString() : null,
    unique: Object.fromEntries((sd.config.unique ?? []).map((c) => [c, row?.[c] == null ? null : String(row[c])])),
    children,
    refusal,
  };
}

/**
 * Restores the subject and exactly the rows soft-deleted in its cascade, in one
 * transaction of its database (all or nothing): the subject is locked and every refusal
 * checked again inside it, children are cleared deepest first in bounded UPDATEs, the
 * subject last. Throws RestoreRefused with the reason when it cannot.
 */
export async function restoreSubject(store: Store, config: Config, pool: TargetPool, table: string, key: string[], now = new Date()): Promise<RestoreResult> {
  const started = performance.now();
  const sd = await softDeleteTableByName(config, pool, table);
  checkKeyArity(sd, key);
  const nodes = await restoreNodes(config, sd);
  const cross = await crossRestoreNodes(config, sd);
  let subject: Record<string, unknown> = {};
  const restored = await transact(sd.target, config.cleanup.statementTimeoutMs, async (tx) => {
    const [row] = await tx.query(subjectRow(sd.ref, sd.pk, key, sd.target.rowLocks));
    const refusal = await refusalFor(store, sd, key, row, now, (s) => tx.query(s));
    if (refusal) throw new RestoreRefused(refusal.code, refusal.reason);
    subject = { ...row };
    const counts: RestoreResult["restored"] = [];
    for (const n of nodes) counts.push({ table: n.label, rows: await restoreNode(tx, sd, key, n) });
    await tx.execute(clearStampByPk(sd.ref, sd.pk, [pkOf(row, sd.pk.length)], sd.column));
    return counts.reverse();
  });
  // Other databases share no transaction with the subject's: each is restored atomically on its own, after it, deepest first.
  const failed: RestoreResult["failed"] = cross.unreachable.map((u) => ({ table: u.label, error: u.error }));
  const stamp = stampToDate(subject[sd.column])!;
  const byTarget = new Map<string, CrossRestoreNode[]>();
  for (const n of cross.nodes) byTarget.set(n.node.target.name, [...(byTarget.get(n.node.target.name) ?? []), n]);
  for (const group of byTarget.values()) {
    try {
      const counts = await transact(reachable(group[0].node.target), config.cleanup.statementTimeoutMs, async (tx) => {
        const out: RestoreResult["restored"] = [];
        for (const n of [...group].sort((a, b) => b.depth - a.depth)) {
          const found = await tx.query(rowsBelow(crossAnchor(n, subject), crossPath(sd, n, subject, stamp), n.node.pk));
          let done = 0;
          for (let i = 0; i < found.length; i += RESTORE_BATCH) {
            done += await tx.execute(
              clearStampByPk(
                n.node.ref,
                n.node.pk,
                found.slice(i, i + RESTORE_BATCH).map((r) => pkOf(r, n.node.pk.length)),
                n.stamp,
              ),
            );
          }
          out.push({ table: n.label, rows: done });
        }
        return out.reverse();
      });
      restored.push(...counts);
    } catch (err) {
      for (const n of group) failed.push({ table: n.label, error: (err as Error).message });
    }
  }
  return { table: sd.id, key, restored, failed, durationMs: Math.round(performance.now() - started), accountUrl: accountUrl(sd.config.accountUrl, sd.pk, key) };
}

/** Where a path in another database starts: the subject's values its first table references. */
const crossAnchor = (n: CrossRestoreNode, subject: Record<string, unknown>): Anchor => ({
  kind: "keys",
  tuples: [n.path[0].referenced.map((c) => subject[c])],
});

/** The node's path with every table on it held to the subject's cascade. */
const crossPath = (sd: SoftDeleteTable, n: CrossRestoreNode, subject: Record<string, unknown>, stamp: Date) =>
  n.path.map((link) => ({ ...link, match: crossMatch(sd, reachable(n.node.target), link.stamp!, subject, stamp) }));

/**
 * Same cascade in another database: the same cascade id, or a stamp in the same second as
 * the subject's (two databases keep time at different precisions; no comparison in Node).
 */
function crossMatch(
  sd: SoftDeleteTable,
  target: Target,
  column: string,
  subject: Record<string, unknown>,
  stamp: Date,
): (alias: string) => RawBuilder<unknown> {
  if (sd.config.cascadeId) return (a) => sql`${sql.id(a, column)} = ${subject[sd.config.cascadeId!] as string}`;
  const from = new Date(Math.floor(stamp.getTime() / 1000) * 1000);
  const to = new Date(from.getTime() + 1000);
  return (a) => sql`${sql.id(a, column)} IS NOT NULL AND NOT ${olderThan(target, a, column, from)} AND ${olderThan(target, a, column, to)}`;
}

/**
 * One table's same-cascade rows: their keys read once (clearing the stamp takes rows out of
 * the match, so asking again per batch would re-read the cleared ones), then cleared in batches.
 */
async function restoreNode(tx: TargetTransaction, sd: SoftDeleteTable, key: string[], n: RestoreNode): Promise<number> {
  const rows = await tx.query(rowsBelow(subjectAnchor(sd, key), n.path, n.node.pk, { sameCascade: matchColumn(sd) }));
  let done = 0;
  for (let i = 0; i < rows.length; i += RESTORE_BATCH) {
    const pks = rows.slice(i, i + RESTORE_BATCH).map((r) => pkOf(r, n.node.pk.length));
    done += await tx.execute(clearStampByPk(n.node.ref, n.node.pk, pks, n.stamp));
  }
  return done;
}
