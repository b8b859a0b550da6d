import { Prisma } from "../../generated/prisma/client";
import { recordAudit } from "../audit/record";
import type { Config } from "../config/types";
import { packedIntegerKeys, unpackKeys } from "../cleanup/intent";
import { pkOf } from "../cleanup/rows";
import { nextBatchSize, type BatchBounds } from "../jobs/batch-size";
import type { Store } from "../store/client";
import { deleteByPk, existingPks, nullColumnsByPk } from "../targets/features/cleanup";
import type { TargetPool } from "../targets/pool";
import { countBelow, keysBelow, redactByPk, redacted, rowsBelow, subjectRow, subjectStillPending, type Anchor } from "../targets/features/softdelete";
import { sql, type RawBuilder } from "kysely";
import type { Throttle } from "../targets/throttle";
import type { TableRef, Target, TargetTransaction } from "../targets/types";
import { graceCutoff, olderThan } from "./grace";
import { keyFromText } from "./keys";
import { reachable } from "../relations/dependents";
import { planPurge, type PurgeNode, type PurgePart, type PurgePlan, type PurgeStepPlan } from "./purge-plan";
import { nextAttempt, type RequestStatus } from "./requests";
import { softDeleteTableByName, type SoftDeleteTable } from "./tables";
import { StatementClock, timed } from "./timing";
import { transact } from "./transact";

/**
 * Rows per batch: grown while batches are quick (under 100 ms), halved when one takes over
 * 250 ms, the time its row locks are held (lib/jobs/batch-size.ts). 5,000 rows is the ceiling
 * that measured best: the seed's account purged at 0.46× the hand-written batched DELETE with
 * p99 214 ms, against 0.38× and p99 404 ms with batches up to 20,000 (bench:softdelete).
 */
const FIRST_BATCH = 1000;
const BATCH: BatchBounds = { min: 50, max: 5000, grow: 2, slowMs: 250 };
/** Anchor keys per statement when a step in another database walks the keys it references. */
const ANCHOR_CHUNK = 1000;

export interface PurgeRunOptions {
  now?: Date;
  log?: (line: string) => void;
  /** Tests: wait this long between batches so a kill lands mid-way. */
  batchDelayMs?: number;
  /** Waits before each batch while the batch's target is over its load limits (a purge job's; none: no waiting). */
  throttle?: Throttle;
  /** After each batch that changed rows: how many, and how long the batch took (bench:softdelete's percentiles). */
  onBatch?: (batch: { rows: number; ms: number }) => void;
}

class SubjectCameBack extends Error {}

/**
 * Runs one deletion request to its end. Phase 1 (pending → marked): the subject is checked
 * (still soft-deleted past grace), nothing protects it, and the plan is fixed in the store:
 * one step per database with the rows found per table, and for a database that references
 * the subject from outside, the key values its rows hold. Phase 2 (marked → deleting →
 * completed | partial | failed): each step deletes its rows in bounded batches, deepest
 * tables first, the subject's own database last and the subject itself at its very end.
 * Each batch records its intent in the store before it touches the target; a step that
 * fails (a target unreachable) leaves the request partial, retried later with backoff.
 */
export async function runDeletionRequest(
  store: Store,
  config: Config,
  pool: TargetPool,
  requestId: string,
  opts: PurgeRunOptions = {},
): Promise<RequestStatus> {
  const now = opts.now ?? new Date();
  let request = await store.prisma.deletionRequest.findUniqueOrThrow({ where: { id: requestId } });
  if (request.status === "completed" || request.status === "cancelled") return request.status as RequestStatus;
  const sd = await softDeleteTableByName(config, pool, request.table);
  const key = keyFromText(request.key);
  const plan = await planPurge(config, sd);
  const pastGrace = (alias: string) => olderThan(sd.target, alias, sd.column, graceCutoff(sd.config.graceDays, now));

  const finish = async (status: RequestStatus, error: string | null) => {
    const attempts = request.attempts + 1;
    const retry = status === "partial" || status === "failed";
    request = await store.prisma.deletionRequest.update({
      where: { id: requestId },
      data: { status, error, attempts, nextAttemptAt: retry ? nextAttempt(attempts, new Date()) : null, finishedAt: retry ? null : new Date() },
    });
    const steps = await store.prisma.deletionStep.findMany({ where: { requestId } });
    await recordAudit(store, {
      actorId: "system",
      actorRoles: [],
      action: "purges.request",
      object: `deletion_request:${requestId}`,
      params: { table: request.table, key: request.key, status, removed: steps.reduce((n, s) => n + Number(s.removed), 0) },
      result: status === "failed" ? "failed" : "ok",
      reason: error,
      requestId: `purge-${requestId}`,
    });
    return status;
  };

  if (request.status === "pending") {
    const marked = await mark(store, sd, plan, requestId, key, pastGrace);
    if (marked.end) return finish(marked.end, marked.reason);
    request = await store.prisma.deletionRequest.update({ where: { id: requestId }, data: { status: "marked", markedAt: new Date(), mode: plan.subject } });
  } else if (request.status === "failed" && !(await store.prisma.deletionStep.count({ where: { requestId } }))) {
    // Failed before it was marked (something protected the subject): mark again.
    await store.prisma.deletionRequest.update({ where: { id: requestId }, data: { status: "pending" } });
    request = { ...request, status: "pending" };
    return runDeletionRequest(store, config, pool, requestId, opts);
  }
  await store.prisma.deletionRequest.update({ where: { id: requestId }, data: { status: "deleting" } });

  const steps = await store.prisma.deletionStep.findMany({ where: { requestId }, orderBy: { seq: "asc" } });
  const errors: string[] = [];
  for (const step of steps) {
    if (step.status === "completed") continue;
    const stepPlan = plan.steps.find((s) => s.target.name === step.target);
    if (!stepPlan) {
      errors.push(`${step.target}: no longer below ${sd.id} in the config`);
      await store.prisma.deletionStep.update({
        where: { id: step.id },
        data: { status: "failed", error: "the database is no longer below this table in the config" },
      });
      continue;
    }
    try {
      await store.prisma.deletionStep.update({ where: { id: step.id }, data: { status: "deleting", attempts: { increment: 1 }, error: null } });
      await runStep(store, sd, plan, stepPlan, step.id, key, pastGrace, { ...opts, timeoutMs: config.cleanup.statementTimeoutMs });
      await store.prisma.deletionStep.update({ where: { id: step.id }, data: { status: "completed" } });
    } catch (err) {
      if (err instanceof SubjectCameBack) return finish("cancelled", err.message);
      const message = ((err as Error)?.message ?? String(err)).slice(0, 1000);
      opts.log?.(`purge ${request.token}: ${step.target}: ${message}`);
      errors.push(`${step.target}: ${message}`);
      await store.prisma.deletionStep.update({ where: { id: step.id }, data: { status: "failed", error: message } });
    }
  }
  const after = await store.prisma.deletionStep.findMany({ where: { requestId } });
  const done = after.filter((s) => s.status === "completed").length;
  if (done === after.length) return finish("completed", null);
  const anything = after.some((s) => s.status === "completed" || s.removed > 0n || s.redacted > 0n || s.nulled > 0n);
  return finish(anything ? "partial" : "failed", errors.join("; "));
}

/** Phase 1. Returns an end (cancelled, failed) with its reason, or nothing when the request is marked. */
async function mark(
  store: Store,
  sd: SoftDeleteTable,
  plan: PurgePlan,
  requestId: string,
  key: string[],
  pastGrace: (alias: string) => RawBuilder<unknown>,
): Promise<{ end?: RequestStatus; reason: string | null }> {
  // The counts read here are statements too: timed like the batches, recorded on each step.
  const clocks = new Map<string, StatementClock>();
  const clockOf = (name: string) => clocks.get(name) ?? clocks.set(name, new StatementClock()).get(name)!;
  const timedQuery = async <R>(t: Target, s: RawBuilder<R>) => {
    const started = performance.now();
    try {
      return await t.query(s);
    } finally {
      clockOf(t.name).record(performance.now() - started);
    }
  };
  const [still] = await sd.target.query(subjectStillPending(sd.ref, sd.pk, key, pastGrace("r"), false));
  if (!still) {
    const [row] = await sd.target.query(subjectRow(sd.ref, sd.pk, key, false));
    return {
      end: "cancelled",
      reason: row ? "no longer soft-deleted past its grace period (restored, or deleted again later)" : "the subject no longer exists",
    };
  }
  const subject: Anchor = { kind: "subject", table: sd.ref, pk: sd.pk, key };
  for (const step of plan.steps) {
    for (const part of step.parts) {
      for (const n of part.nodes.filter((x) => x.action === "protect")) {
        if (part.crossing) continue; // asked when its step runs: the other database may be down now
        const [c] = await timedQuery(sd.target, countBelow(subject, n.path));
        if (Number(c.n) > 0)
          return {
            end: "failed",
            reason: `${Number(c.n)} row(s) of ${n.label} reference it and relation ${n.relation} protects them (onParentRemoved: protect)`,
          };
      }
    }
  }
  const anchors = new Map<PurgePart, unknown[][]>();
  let seq = 0;
  for (const step of plan.steps) {
    const tables: { table: string; action: string; rows: number | null }[] = [];
    const anchorKeys: unknown[][][] = [];
    for (const part of step.parts) {
      const keys = part.crossing ? await crossingKeys(sd, subject, part, anchors, timedQuery) : null;
      anchorKeys.push(keys ?? []);
      for (const n of part.nodes) {
        let rows: number | null = null;
        try {
          rows = await countRows((t, s) => timedQuery(t, s), reachable(step.target), part.crossing ? { kind: "keys", tuples: keys! } : subject, n);
        } catch {
          rows = null; // that database is unreachable now: its step will say so when it runs
        }
        tables.push({ table: n.label, action: n.action, rows });
      }
    }
    if (step.home) tables.push({ table: `${sd.target.name}:${sd.ref.schema}.${sd.ref.table}`, action: plan.subject, rows: 1 });
    await store.prisma.deletionStep.create({
      data: {
        requestId,
        seq: ++seq,
        target: step.target.name,
        status: "pending",
        plan: { tables },
        ...clockOf(step.target.name).totals(),
        anchorKeys: anchorKeys.map((ks) => ks.map((k) => k.map(jsonKey))) as object,
      },
    });
  }
  return { reason: null };
}

const jsonKey = (v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : v);

/** The key values rows of another database hold when they reference the subject's rows (read once, at mark time). */
async function crossingKeys(
  sd: SoftDeleteTable,
  subject: Anchor,
  part: PurgePart,
  anchors: Map<PurgePart, unknown[][]>,
  q: <R>(t: Target, s: RawBuilder<R>) => Promise<R[]>,
): Promise<unknown[][]> {
  const c = part.crossing!;
  let keys: unknown[][];
  if (c.from.length === 0 && c.parent.crossing === null) {
    const [row] = await q(sd.target, subjectRow(sd.ref, sd.pk, subject.kind === "subject" ? subject.key : [], false));
    keys = [c.referenced.map((col) => row[col])];
  } else {
    const parentAnchor: Anchor = c.parent.crossing ? { kind: "keys", tuples: anchors.get(c.parent) ?? [] } : subject;
    const target = c.parent.crossing ? reachable(c.parent.nodes[0].node.target) : sd.target;
    keys =
      c.from.length === 0
        ? (anchors.get(c.parent) ?? [])
        : await chunked(parentAnchor, (a) =>
            q(target, keysBelow(a, c.from, c.referenced)).then((rows) => rows.map((r) => c.referenced.map((_, i) => r[`k${i}`]))),
          );
  }
  anchors.set(part, keys);
  return keys;
}

async function countRows(
  q: (t: Target, s: RawBuilder<{ n: number | string }>) => Promise<{ n: number | string }[]>,
  target: Target,
  anchor: Anchor,
  n: PurgeNode,
): Promise<number> {
  const where = n.action === "redact" ? (a: string) => sql`NOT ${redacted(a, n.redact ?? {})}` : undefined;
  const counts = await chunked(anchor, async (a) => [Number((await q(target, countBelow(a, n.path, undefined, where)))[0].n)]);
  return counts.reduce((x, y) => x + y, 0);
}

/** Runs `fn` per chunk of anchor keys (a subject anchor is one chunk). */
async function chunked<T>(anchor: Anchor, fn: (a: Anchor) => Promise<T[]>): Promise<T[]> {
  if (anchor.kind === "subject") return fn(anchor);
  const out: T[] = [];
  for (let i = 0; i < anchor.tuples.length; i += ANCHOR_CHUNK) out.push(...(await fn({ kind: "keys", tuples: anchor.tuples.slice(i, i + ANCHOR_CHUNK) })));
  return out;
}

interface Intent {
  table: TableRef;
  pk: string[];
  action: "delete" | "null" | "redact";
  /** Columns whose values tell that an update happened (the reference for null, the PII for redact). */
  check: string[];
  expect: (string | null)[];
  /** Lone integer keys packed as one string (packedIntegerKeys), other keys as arrays. */
  pks: unknown;
}

/** Phase 2 of one step: its parts' tables deepest first, then (in the subject's database) the subject. */
async function runStep(
  store: Store,
  sd: SoftDeleteTable,
  plan: PurgePlan,
  step: PurgeStepPlan,
  stepId: bigint,
  key: string[],
  pastGrace: (alias: string) => RawBuilder<unknown>,
  opts: PurgeRunOptions & { timeoutMs: number },
) {
  const target = reachable(step.target);
  const row = await store.prisma.deletionStep.findUniqueOrThrow({ where: { id: stepId } });
  if (row.intent) await reconcile(store, target, stepId, row.intent as unknown as Intent);
  const anchorKeys = (row.anchorKeys as unknown[][][] | null) ?? [];
  const clock = new StatementClock(row.maxStatementMs);
  const subject: Anchor = { kind: "subject", table: sd.ref, pk: sd.pk, key };
  const timeoutMs = opts.timeoutMs;

  // The subject must still be waiting for its purge: checked in the same transaction (and
  // locked) in its own database; from another database, asked just before each batch.
  const guard = async (tx: TargetTransaction) => {
    if (step.home) {
      if (!(await tx.query(subjectStillPending(sd.ref, sd.pk, key, pastGrace("r"), target.rowLocks))).length)
        throw new SubjectCameBack("the subject is no longer soft-deleted past grace: it was restored meanwhile");
      return;
    }
    const [live] = await sd.target.query(subjectRow(sd.ref, sd.pk, key, false));
    if (live && !(await sd.target.query(subjectStillPending(sd.ref, sd.pk, key, pastGrace("r"), false))).length)
      throw new SubjectCameBack("the subject is no longer soft-deleted past grace: it was restored meanwhile");
  };

  const apply = async (intent: Omit<Intent, "pks">, select: (tx: TargetTransaction) => Promise<unknown[][]>, size: number) => {
    // A lagging replica or a loaded server: the batch waits (the job says why).
    await opts.throttle?.before(target.name);
    const started = performance.now();
    const n = await transact(target, timeoutMs, async (raw) => {
      const tx = timed(raw, clock);
      await guard(tx);
      const pks = await select(tx);
      if (!pks.length) return 0;
      // Raw, as a cleanup's intent: Prisma carried 5,000 keys as JSON several times slower than the
      // statement. Packed as a cleanup's (lone integer keys as one string of differences).
      const keys = pks.map((k) => k.map(jsonKey));
      await store.prisma
        .$executeRaw`UPDATE deletion_steps SET intent = ${JSON.stringify({ ...intent, pks: packedIntegerKeys(keys) ?? keys })}::jsonb, updated_at = now() WHERE id = ${stepId}`;
      if (intent.action === "delete") return tx.execute(deleteByPk(intent.table, intent.pk, pks, target.keyLists));
      if (intent.action === "null") return tx.execute(nullColumnsByPk(intent.table, intent.pk, pks, intent.check));
      return tx.execute(redactByPk(intent.table, intent.pk, pks, Object.fromEntries(intent.check.map((c, i) => [c, intent.expect[i]]))));
    });
    const { statements, maxStatementMs = 0 } = clock.flush();
    const by = (action: Intent["action"]) => BigInt(intent.action === action ? n : 0);
    await store.prisma.$executeRaw`UPDATE deletion_steps SET removed = removed + ${by("delete")}, nulled = nulled + ${by("null")},
      redacted = redacted + ${by("redact")}, intent = NULL, statements = statements + ${statements.increment},
      max_statement_ms = GREATEST(max_statement_ms, ${maxStatementMs}), updated_at = now() WHERE id = ${stepId}`;
    const ms = performance.now() - started;
    if (n > 0) opts.onBatch?.({ rows: n, ms });
    const next = nextBatchSize(size, ms, BATCH);
    if (opts.batchDelayMs) await new Promise((r) => setTimeout(r, opts.batchDelayMs));
    return { n, next };
  };

  for (const [pi, part] of step.parts.entries()) {
    const anchors: Anchor[] = part.crossing ? chunks(anchorKeys[pi] ?? [], ANCHOR_CHUNK).map((tuples) => ({ kind: "keys" as const, tuples })) : [subject];
    for (const n of part.nodes) {
      if (n.action === "keep" || n.action === "protect") {
        if (n.action === "protect" && part.crossing) {
          for (const a of anchors) {
            const [c] = await target.query(countBelow(a, n.path));
            if (Number(c.n) > 0) throw new Error(`${n.label} still references it and relation ${n.relation} protects those rows`);
          }
        }
        continue;
      }
      const redactValues = n.redact ?? {};
      const intent: Omit<Intent, "pks"> =
        n.action === "delete"
          ? { table: n.node.ref, pk: n.node.pk, action: "delete", check: [], expect: [] }
          : n.action === "null"
            ? { table: n.node.ref, pk: n.node.pk, action: "null", check: n.node.ref.columns, expect: n.node.ref.columns.map(() => null) }
            : { table: n.node.ref, pk: n.node.pk, action: "redact", check: Object.keys(redactValues), expect: Object.values(redactValues) };
      const where = n.action === "redact" ? (a: string) => sql`NOT ${redacted(a, redactValues)}` : undefined;
      for (const a of anchors) {
        let size = FIRST_BATCH;
        for (;;) {
          const { n: changed, next } = await apply(
            intent,
            async (tx) => (await tx.query(rowsBelow(a, n.path, n.node.pk, { limit: size, where }))).map((r) => pkOf(r, n.node.pk.length)),
            size,
          );
          if (changed === 0) break;
          size = next;
        }
      }
    }
  }

  if (step.home) {
    const intent: Omit<Intent, "pks"> =
      plan.subject === "delete"
        ? { table: sd.ref, pk: sd.pk, action: "delete", check: [], expect: [] }
        : { table: sd.ref, pk: sd.pk, action: "redact", check: Object.keys(plan.redact), expect: Object.values(plan.redact) };
    // A redacted subject keeps its stamp: it stays soft-deleted, its PII gone, and no longer counts as pending.
    const notYet = plan.subject === "redact" ? sql` AND NOT ${redacted("r", plan.redact)}` : sql``;
    await apply(
      intent,
      async (tx) => (await tx.query(sql<Record<string, unknown>>`${subjectRow(sd.ref, sd.pk, key, false)}${notYet}`)).map((r) => pkOf(r, sd.pk.length)),
      1,
    );
  }
}

const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/**
 * A batch left recorded but not confirmed by a crash: the target says what happened. Rows
 * gone (or holding their new values) were done by it and are counted once; the others were
 * not (the transaction rolled back) and the next batch finds them again. Never re-applied.
 */
async function reconcile(store: Store, target: Target, stepId: bigint, stored: Intent) {
  const intent = { ...stored, pks: unpackKeys(stored.pks) };
  const present = intent.pks.length ? await target.query(existingPks(intent.table, intent.pk, intent.pks, intent.check.length ? intent.check : intent.pk)) : [];
  let done: number;
  if (intent.action === "delete") done = intent.pks.length - present.length;
  else done = present.filter((r) => intent.check.every((_, i) => (r[`k${i}`] == null ? null : String(r[`k${i}`])) === intent.expect[i])).length;
  const field = intent.action === "delete" ? "removed" : intent.action === "null" ? "nulled" : "redacted";
  await store.prisma.deletionStep.update({ where: { id: stepId }, data: { [field]: { increment: BigInt(done) }, intent: Prisma.DbNull } });
}
