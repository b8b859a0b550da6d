import { randomBytes } from "node:crypto";
import type { Config } from "../config/types";
import { orphanKeyPages } from "../detect/orphan-keys";
import { scanBounds } from "../detect/scan";
import type { SweepResult } from "../detect/sweep";
import type { Relation } from "../relations/types";
import type { Store } from "../store/client";
import { withStoreSession, type SessionQuery } from "../store/session";
import { normaliseValue } from "../targets/keys";
import { withPool, type TargetPool } from "../targets/pool";

/** Keys sent to the store per statement while staging: one short statement each. */
export const STAGE_BATCH = 20_000;

/** Staged keys compared with the open sightings per statement (one key range of both). */
export const COMPARE_BATCH = 50_000;

/**
 * A child key as stored in sightings: its values as text, in a JSON array. Called once per
 * key of every sweep, on the thread that also walks the target: a one-column numeric key
 * (the common case) is written out directly (a number's or bigint's text needs no JSON
 * escaping), 4× cheaper than an array mapped and stringified.
 */
export function sightingKey(key: unknown[]): string {
  if (key.length === 1) {
    const v = key[0];
    if (typeof v === "number" || typeof v === "bigint") return `["${v}"]`;
    return `[${JSON.stringify(normaliseValue(v))}]`;
  }
  return JSON.stringify(key.map(normaliseValue));
}

export interface SightingsProgress {
  relation: string;
  /** staging: keys are streamed from the target; comparing: staged keys are compared with the open sightings. */
  phase: "staging" | "comparing";
  /** Keys staged so far (staging), or staged keys compared so far (comparing). */
  done: number;
  /** Where the recording's time went so far (the last event of a relation has the whole of it). */
  timings: SightingsTimings;
}

/**
 * Where one relation's recording spent its time, in ms. The walk and the store run side
 * by side while keys stream, so `walkMs` and `storeWaitMs` are parts of `streamMs`: the
 * time the stream waited for the target's next page, and for the store's last batch.
 */
export interface SightingsTimings {
  /** Keys streamed from the target into the store (staged, or opened on a first sweep). */
  streamMs: number;
  walkMs: number;
  storeWaitMs: number;
  /** The stage's index (a sort of the staged keys). */
  indexMs: number;
  /** ANALYZE of the stage. */
  statisticsMs: number;
  /** Staged keys compared with the open sightings, opening and closing. */
  mergeMs: number;
}

export interface RelationSightings {
  relation: string;
  opened: number;
  closed: number;
  timings?: SightingsTimings;
  /** Why this relation's sightings could not be recorded (its count is stored regardless). */
  error?: string;
}

/**
 * Records which orphan keys this sweep saw, per relation that scanned: new keys open a
 * sighting (first seen now), keys no longer found close theirs (last seen at the
 * relation's previous scan). Keys still there are not written at all. A relation that
 * failed to scan changes nothing. A relation whose sightings cannot be recorded (the
 * target's key walk or a store statement fails) keeps its stored count: the error is
 * stored on its scan (`sightings_error`) and set on its result, and the next relation goes on.
 */
export async function recordSightings(
  store: Store,
  config: Config,
  result: SweepResult,
  opts: { sweepId?: string; onProgress?: (p: SightingsProgress) => void; pool?: TargetPool } = {},
): Promise<RelationSightings[]> {
  const outcomes: RelationSightings[] = [];
  const bounds = scanBounds(config.targets);
  return withPool(config.targets, opts.pool, async (pool) => {
    for (const r of result.results) {
      if (r.error || r.orphans == null) continue;
      const name = r.relation.name;
      try {
        const previous = await previousScanTime(store, name, r.scannedAt);
        // each page's statements bounded as the count's were: a sighting walk past the limit fails the relation's sightings, never its count
        const pages = r.orphans === 0 ? emptyPages() : orphanKeyPages(r.relation, pool, { scannedAt: r.scannedAt, bounds });
        const counts = await recordRelationSightings(store, r.relation, r.scannedAt, previous, pages, { onProgress: opts.onProgress });
        outcomes.push({ relation: name, ...counts });
      } catch (err) {
        const error = (err as Error)?.message ?? String(err);
        r.sightingsError = error;
        outcomes.push({ relation: name, opened: 0, closed: 0, error });
        if (opts.sweepId) {
          await store.prisma.scan.updateMany({ where: { sweepId: opts.sweepId, relation: name }, data: { sightingsError: error } });
        }
      }
    }
    return outcomes;
  });
}

async function* emptyPages(): AsyncGenerator<unknown[][]> {}

/** Recordings of one relation in this process, one after another (the store's advisory lock covers other processes). */
const recording = new Map<string, Promise<unknown>>();

/**
 * Compares the keys of `pages` (a relation's orphan keys, one page at a time) with the
 * relation's open sightings, in bounded statements on one store connection, holding one
 * page in memory:
 *
 * 1. The keys are staged, STAGE_BATCH per statement, into a temporary table (no WAL, no
 *    index while it fills). A relation with no open sighting skips the stage: its keys
 *    are opened as they come.
 * 2. Each staging statement returns the digest of its keys (KeyDigest); meanwhile another
 *    connection reads the open sightings' digest. Equal digests: the keys found are the
 *    open ones, and the recording ends there, having written nothing (a sweep with
 *    nothing changed costs its walk and the stage, no index, no comparison).
 * 3. Otherwise the stage gets an index and statistics (without them the planner takes it
 *    for a small table).
 * 4. Staged keys and open sightings are then compared as two sorted streams, one key range
 *    of COMPARE_BATCH staged keys per statement: a full join of the two index ranges opens
 *    the keys only staged and closes the sightings only stored. Keys still there are read
 *    but never written.
 *
 * No transaction spans the work: a failure part-way leaves the ranges done so far (each
 * statement is one range, whole), and the next sweep completes the rest.
 */
export async function recordRelationSightings(
  store: Store,
  relation: Pick<Relation, "name">,
  seenAt: Date,
  previousScanAt: Date | null,
  pages: AsyncIterable<unknown[][]>,
  opts: RecordOptions = {},
): Promise<{ opened: number; closed: number; timings: SightingsTimings }> {
  const name = relation.name;
  const before = recording.get(name) ?? Promise.resolve();
  // on a connection of the pool's, beside the session's staging (the embedded store's one connection takes them in turn)
  const openDigest = async () =>
    parseDigest((await store.prisma.$queryRawUnsafe<DigestRow[]>(`${DIGEST} FROM orphan_sightings WHERE relation = $1 AND open`, name))[0]);
  const run = before
    .catch(() => {})
    .then(() => withStoreSession(store, (query) => recordOnSession(query, name, seenAt, previousScanAt, pages, openDigest, opts)));
  recording.set(name, run);
  try {
    return await run;
  } finally {
    if (recording.get(name) === run) recording.delete(name);
  }
}

export interface RecordOptions {
  onProgress?: (p: SightingsProgress) => void;
  /** Keys per staging statement (tests use small ones to cross batch boundaries). */
  stageBatch?: number;
  /** Staged keys per comparing statement. */
  compareBatch?: number;
}

async function recordOnSession(
  query: SessionQuery,
  relation: string,
  seenAt: Date,
  previousScanAt: Date | null,
  pages: AsyncIterable<unknown[][]>,
  openDigest: () => Promise<KeyDigest>,
  opts: RecordOptions,
): Promise<{ opened: number; closed: number; timings: SightingsTimings }> {
  const stageBatch = opts.stageBatch ?? STAGE_BATCH;
  const lockKey = `custodian.sightings:${relation}`;
  const seen = seenAt.toISOString();
  const timings: SightingsTimings = { streamMs: 0, walkMs: 0, storeWaitMs: 0, indexMs: 0, statisticsMs: 0, mergeMs: 0 };
  const progress = (phase: SightingsProgress["phase"], done: number) => opts.onProgress?.({ relation, phase, done, timings: { ...timings } });
  // Two recordings of one relation at once (a CLI scan beside a worker's sweep) would each
  // close what the other opened: one waits for the other, across processes.
  await query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [lockKey]);
  try {
    const [{ any }] = await query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM orphan_sightings WHERE relation = $1 AND open) AS any", [relation]);
    if (!any) {
      // Nothing to compare with (a new relation, or every orphan gone last time): open as they come.
      let opened = 0;
      let staged = 0;
      await streamBatches(pages, stageBatch, timings, async (keys, n) => {
        opened += await openKeys(query, keys, relation, seen);
        staged += n;
        progress("staging", staged);
      });
      await refreshStatistics(query, opened, timings);
      progress("staging", staged);
      return { opened, closed: 0, timings };
    }
    // A name of our own making (hex), so quoting it is enough.
    const stage = `pg_temp."custodian_seen_${randomBytes(8).toString("hex")}"`;
    await query(`CREATE TEMP TABLE ${stage} (key text NOT NULL)`);
    try {
      // read while the keys stream in; the lock keeps every other recording's writes out
      const stored = openDigest();
      stored.catch(() => {}); // awaited below; marked handled meanwhile so a failure is not "unhandled"
      let staged = 0;
      let found: KeyDigest = { n: 0n, h0: 0n, h1: 0n };
      await streamBatches(pages, stageBatch, timings, async (keys, n) => {
        const [row] = await query<DigestRow>(
          `WITH staged AS (INSERT INTO ${stage} (key) SELECT string_to_table($1, E'\\n') RETURNING key) ${DIGEST} FROM staged`,
          [keys],
        );
        found = addDigests(found, parseDigest(row));
        staged += n;
        progress("staging", staged);
      });
      let t = performance.now();
      if (sameDigest(found, await stored)) {
        // the keys found are the open sightings' keys: nothing opens, nothing closes, no
        // index, no comparison (a sweep with nothing changed costs its walk and the stage)
        timings.mergeMs = performance.now() - t;
        progress("comparing", staged);
        return { opened: 0, closed: 0, timings };
      }
      t = performance.now();
      await query(`CREATE INDEX ON ${stage} (key)`);
      timings.indexMs = performance.now() - t;
      t = performance.now();
      // VACUUM too: it marks the stage's pages all-visible, so the comparison reads the
      // stage's keys from its index alone (without it, every key is also fetched from the table)
      await query(`VACUUM ANALYZE ${stage}`);
      timings.statisticsMs = performance.now() - t;
      t = performance.now();
      const counts = await compareStaged(query, stage, relation, seen, (previousScanAt ?? seenAt).toISOString(), staged, opts, (done) => {
        timings.mergeMs = performance.now() - t;
        if (done < staged) progress("comparing", done);
      });
      await refreshStatistics(query, counts.opened + counts.closed, timings);
      progress("comparing", staged);
      return { ...counts, timings };
    } finally {
      // never in place of the error that got us here (a broken connection fails these too,
      // and takes the table and the lock with it)
      await query(`DROP TABLE IF EXISTS ${stage}`).catch(() => {});
    }
  } finally {
    await query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [lockKey]).catch(() => {});
  }
}

/**
 * A set of keys told apart from another without comparing them key by key: how many, and
 * the sums of two independent 64-bit hashes of each (PostgreSQL's hashtextextended with
 * seeds 0 and 1; exact numeric sums). Two sets of equal size and sums differ only by a
 * 128-bit coincidence. A key staged twice (two target values of one sighting key) makes
 * the count differ, so the comparison runs and counts it once.
 */
interface KeyDigest {
  n: bigint;
  h0: bigint;
  h1: bigint;
}

type DigestRow = { n: string; h0: string; h1: string };

/** A digest's select list, over a `key` column; the caller adds its FROM. */
const DIGEST = "SELECT count(*)::text AS n, coalesce(sum(hashtextextended(key, 0)), 0)::text AS h0, coalesce(sum(hashtextextended(key, 1)), 0)::text AS h1";

const parseDigest = (r: DigestRow): KeyDigest => ({ n: BigInt(r.n), h0: BigInt(r.h0), h1: BigInt(r.h1) });
const addDigests = (a: KeyDigest, b: KeyDigest): KeyDigest => ({ n: a.n + b.n, h0: a.h0 + b.h0, h1: a.h1 + b.h1 });
const sameDigest = (a: KeyDigest, b: KeyDigest) => a.n === b.n && a.h0 === b.h0 && a.h1 === b.h1;

/** Sightings opened or closed by one recording from which the store's statistics are refreshed. */
export const ANALYZE_AFTER = 10_000;

/**
 * Refreshes the planner's statistics of orphan_sightings after a recording that changed
 * many rows. Without them, the next sweep's comparison plans for the table as it was (a
 * relation's first sweep, millions of rows, seen as 3): it sorted every range's sightings
 * on disk, 3× the time of the comparison it needs. Autovacuum would get there, but not
 * necessarily before the next sweep. ANALYZE reads a fixed sample, whatever the table's size.
 */
async function refreshStatistics(query: SessionQuery, changed: number, timings: SightingsTimings): Promise<void> {
  if (changed < ANALYZE_AFTER) return;
  const t = performance.now();
  await query("ANALYZE orphan_sightings");
  timings.statisticsMs += performance.now() - t;
}

/**
 * Opens a sighting for each key of a batch. A plain INSERT: the advisory lock keeps other
 * recordings of the relation out, and ON CONFLICT's speculative insertion costs twice as
 * much per row (so did a DISTINCT over the batch: its sort doubled the statement's time).
 * Two values of a target that give one sighting key (SQLite's 1 and '1'), in one batch or
 * in two, break the unique index: that batch is sent again with ON CONFLICT DO NOTHING,
 * which skips a repeat within the statement too.
 */
async function openKeys(query: SessionQuery, keys: string, relation: string, seen: string): Promise<number> {
  const insert = `INSERT INTO orphan_sightings (relation, key, first_seen, last_seen, open)
    SELECT $2, key, $3::timestamptz, $3::timestamptz, true FROM string_to_table($1, E'\\n') AS key`;
  try {
    const [row] = await query<{ n: string }>(`WITH opened AS (${insert} RETURNING 1) SELECT count(*)::text AS n FROM opened`, [keys, relation, seen]);
    return Number(row.n);
  } catch (err) {
    if ((err as { code?: string }).code !== "23505") throw err;
    const [row] = await query<{ n: string }>(
      `WITH opened AS (${insert} ON CONFLICT (relation, key) WHERE open DO NOTHING RETURNING 1) SELECT count(*)::text AS n FROM opened`,
      [keys, relation, seen],
    );
    return Number(row.n);
  }
}

/**
 * Sends the keys of `pages` in batches of `size`, each as one text value, a key per line
 * (a sighting key is JSON, which never holds a raw newline): cheaper to send and to parse
 * than an array literal of quoted strings. The target's walk goes on while the store takes
 * a batch: at most one batch in flight and one filling, whatever the relation's size.
 * Adds to `timings` the stream's wall time, and within it the waits for the walk's next
 * page and for the store's previous batch (the slower side is the one waited for).
 */
async function streamBatches(
  pages: AsyncIterable<unknown[][]>,
  size: number,
  timings: SightingsTimings,
  send: (keys: string, n: number) => Promise<void>,
): Promise<void> {
  const started = performance.now();
  let buffer: string[] = [];
  let sending: Promise<void> = Promise.resolve();
  const dispatch = async () => {
    const keys = buffer.join("\n");
    const n = buffer.length;
    buffer = [];
    const t = performance.now();
    await sending;
    timings.storeWaitMs += performance.now() - t;
    sending = send(keys, n);
    sending.catch(() => {}); // awaited below; marked handled meanwhile so a failure is not "unhandled"
  };
  const walk = pages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const t = performance.now();
      const next = await walk.next();
      timings.walkMs += performance.now() - t;
      if (next.done) break;
      for (const key of next.value) {
        buffer.push(sightingKey(key));
        if (buffer.length >= size) await dispatch();
      }
    }
  } catch (err) {
    await walk.return?.(); // as for await would: the walk lets go of what it holds
    throw err;
  }
  if (buffer.length) await dispatch();
  const t = performance.now();
  await sending;
  timings.storeWaitMs += performance.now() - t;
  timings.streamMs += performance.now() - started;
}

/**
 * Walks the staged keys in key order, COMPARE_BATCH at a time; each step is one statement
 * over one key range (after the previous step's last key, up to this step's last key, the
 * last step unbounded above): the staged keys and the open sightings of that range, full
 * joined (a merge or hash join of two index range scans), open what is only staged and
 * close what is only stored. Every open sighting falls in exactly one range.
 */
async function compareStaged(
  query: SessionQuery,
  stage: string,
  relation: string,
  seen: string,
  lastSeen: string,
  staged: number,
  opts: RecordOptions,
  onStep: (done: number) => void,
): Promise<{ opened: number; closed: number }> {
  const batch = opts.compareBatch ?? COMPARE_BATCH;
  let after = "";
  let opened = 0;
  let closed = 0;
  let done = 0;
  for (;;) {
    // This range's last staged key, read off the stage's index; none: the last range, unbounded above.
    const [bound] = await query<{ key: string }>(`SELECT key FROM ${stage} WHERE key > $1 ORDER BY key OFFSET $2 LIMIT 1`, [after, batch - 1]);
    const hi = bound?.key ?? null;
    // The range's bounds as constants of each statement (not a CTE's result), so the planner
    // sizes both sides right and reads them as index ranges; the stage's side is index only.
    const within = hi == null ? "key > $2" : "key > $2 AND key <= $5";
    const [row] = await query<{ opened: string; closed: string }>(
      `WITH d AS MATERIALIZED (
         SELECT DISTINCT s.key AS new_key, o.id AS gone_id
         FROM (SELECT key FROM ${stage} WHERE ${within}) s
         FULL JOIN (SELECT id, key FROM orphan_sightings WHERE relation = $1 AND open AND ${within}) o ON o.key = s.key
         WHERE s.key IS NULL OR o.id IS NULL),
       opened AS (
         INSERT INTO orphan_sightings (relation, key, first_seen, last_seen, open)
         SELECT $1, new_key, $3::timestamptz, $3::timestamptz, true FROM d WHERE new_key IS NOT NULL
         ON CONFLICT (relation, key) WHERE open DO NOTHING
         RETURNING 1),
       closed AS (
         UPDATE orphan_sightings SET open = false, last_seen = $4::timestamptz
         WHERE id IN (SELECT gone_id FROM d WHERE gone_id IS NOT NULL)
         RETURNING 1)
       SELECT (SELECT count(*) FROM opened)::text AS opened, (SELECT count(*) FROM closed)::text AS closed`,
      hi == null ? [relation, after, seen, lastSeen] : [relation, after, seen, lastSeen, hi],
    );
    opened += Number(row.opened);
    closed += Number(row.closed);
    done = hi == null ? staged : done + batch;
    onStep(done);
    if (hi == null) return { opened, closed };
    after = hi;
  }
}

async function previousScanTime(store: Store, relation: string, before: Date): Promise<Date | null> {
  const row = await store.prisma.scan.findFirst({
    where: { relation, scannedAt: { lt: before }, orphans: { not: null } },
    orderBy: { scannedAt: "desc" },
    select: { scannedAt: true },
  });
  return row?.scannedAt ?? null;
}

export interface Sighting {
  firstSeen: Date;
  lastSeen: Date;
}

/** First and last seen of some keys of a relation (open sightings: last seen at the latest scan). */
export async function sightingsOf(store: Store, relation: string, keys: unknown[][]): Promise<Map<string, Sighting>> {
  if (!keys.length) return new Map();
  const texts = keys.map(sightingKey);
  const [rows, latest] = await Promise.all([
    store.prisma.orphanSighting.findMany({ where: { relation, open: true, key: { in: texts } }, select: { key: true, firstSeen: true, lastSeen: true } }),
    store.prisma.scan.findFirst({ where: { relation, orphans: { not: null } }, orderBy: { scannedAt: "desc" }, select: { scannedAt: true } }),
  ]);
  return new Map(rows.map((r) => [r.key, { firstSeen: r.firstSeen, lastSeen: latest?.scannedAt ?? r.lastSeen }]));
}
