/**
 * `npm run bench:softdelete`: the seed's account (000: 753,000 child rows in posts,
 * comments, likes, orders, payments) on this machine's PostgreSQL (TEST_POSTGRES_URL's
 * server; database custodian_bench_softdelete, dropped at the end). Two such accounts are
 * built, soft-deleted in one cascade (every child row carries the account's stamp):
 *
 *   1. restore before purge: account 1 by Custodian (one transaction, batched UPDATEs),
 *      account 2 by the hand-written set-based UPDATE per table (the baseline);
 *   2. both accounts deleted again, now past grace, then purged: account 1 by Custodian
 *      (two-phase request, bounded batches), account 2 by the seed's naive DELETE per
 *      table (one statement each: the baseline whose statements time out in production),
 *      and a third such account by the hand-written batched DELETE: per table, children
 *      first, its rows' keys found once, then DELETE … WHERE id = ANY(1,000 keys) per batch.
 *
 * Prints the figures and their ratios to the baselines; the goals are issue 6's (no
 * single purge statement over 1 s, the restore under 60 s) and issue 13's (the purge at
 * least half the hand-written batched DELETE's rate, its finds included; p99 batch
 * ≤ 250 ms). Every statement Custodian sends
 * is timed where it is sent (the purge records it per step).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig } from "../lib/config/load";
import { requestPurge, runPurgeJob } from "../lib/softdelete/purge-job";
import { restoreSubject } from "../lib/softdelete/restore";
import { openStore } from "../lib/store/client";
import { TargetPool } from "../lib/targets/pool";
import { percentile } from "./percentile";

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DB = "custodian_bench_softdelete";
const SHAPE = { posts: 10_000, comments: 480_000, likes: 250_000, orders: 5_000, payments: 8_000 };
const CHILD_ROWS = Object.values(SHAPE).reduce((a, b) => a + b, 0);
const LIVE_USERS = 20_000;
/** 1: Custodian's; 2: the naive DELETE per table; 3: the hand-written batched DELETE. */
const ACCOUNTS = 3;
const HAND_BATCH = 1000;

const host = new URL(ADMIN_URL).hostname;
if (!["127.0.0.1", "localhost", "::1"].includes(host)) throw new Error(`refusing to run against a non-local database host (${host})`);

const fmt = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => `${fmt(Math.round(n))} ms`;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function dbUrl() {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB}`;
  return u.toString();
}

/** Builds the shop: live users with a little data each, and accounts 1 and 2 with the seed's 753,000 rows each. */
async function build(c: pg.Client) {
  const started = performance.now();
  await c.query(`
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, deleted_at timestamptz);
CREATE UNIQUE INDEX users_email_live ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_deleted ON users (id) WHERE deleted_at IS NOT NULL;
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, title text, deleted_at timestamptz);
CREATE TABLE comments (id bigint PRIMARY KEY, user_id bigint REFERENCES users, post_id bigint NOT NULL REFERENCES posts, body text, deleted_at timestamptz);
CREATE TABLE likes (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, post_id bigint NOT NULL REFERENCES posts, deleted_at timestamptz);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, total numeric(10,2), deleted_at timestamptz);
CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders, amount numeric(10,2), deleted_at timestamptz);`);
  const stamp = "date_trunc('second', now()) - interval '3 days'";
  await c.query(
    `INSERT INTO users SELECT i, 'user' || i || '@example.com', 'User ' || i, CASE WHEN i <= ${ACCOUNTS} THEN ${stamp} END FROM generate_series(1, ${LIVE_USERS}) i`,
  );
  // Live users: 5 posts, 20 comments, 10 likes, 1 order with 1 payment each. Ids above 10M.
  await c.query(
    `INSERT INTO posts SELECT 10000000 + i, ${ACCOUNTS + 1} + (i % ${LIVE_USERS - ACCOUNTS}), 'post', NULL FROM generate_series(1, ${(LIVE_USERS - ACCOUNTS) * 5}) i`,
  );
  await c.query(
    `INSERT INTO comments SELECT 10000000 + i, ${ACCOUNTS + 1} + (i % ${LIVE_USERS - ACCOUNTS}), 10000001 + (i % ${(LIVE_USERS - ACCOUNTS) * 5}), 'nice', NULL FROM generate_series(1, ${(LIVE_USERS - ACCOUNTS) * 20}) i`,
  );
  await c.query(
    `INSERT INTO likes SELECT 10000000 + i, ${ACCOUNTS + 1} + (i % ${LIVE_USERS - ACCOUNTS}), 10000001 + (i % ${(LIVE_USERS - ACCOUNTS) * 5}), NULL FROM generate_series(1, ${(LIVE_USERS - ACCOUNTS) * 10}) i`,
  );
  await c.query(
    `INSERT INTO orders SELECT 10000000 + i, ${ACCOUNTS + 1} + (i % ${LIVE_USERS - ACCOUNTS}), 10, NULL FROM generate_series(1, ${LIVE_USERS - ACCOUNTS}) i`,
  );
  await c.query(`INSERT INTO payments SELECT 10000000 + i, 10000000 + i, 10, NULL FROM generate_series(1, ${LIVE_USERS - ACCOUNTS}) i`);
  // Accounts 1 to 3: ids u * 1,000,000 + n, every row stamped with the account's own stamp (one cascade).
  for (let u = 1; u <= ACCOUNTS; u++) {
    const b = u * 1_000_000;
    const s = `(SELECT deleted_at FROM users WHERE id = ${u})`;
    await c.query(`INSERT INTO posts SELECT ${b} + i, ${u}, 'post', ${s} FROM generate_series(1, ${SHAPE.posts}) i`);
    await c.query(`INSERT INTO comments SELECT ${b} + i, ${u}, ${b} + 1 + (i % ${SHAPE.posts}), 'comment', ${s} FROM generate_series(1, ${SHAPE.comments}) i`);
    await c.query(`INSERT INTO likes SELECT ${b} + i, ${u}, ${b} + 1 + (i % ${SHAPE.posts}), ${s} FROM generate_series(1, ${SHAPE.likes}) i`);
    await c.query(`INSERT INTO orders SELECT ${b} + i, ${u}, 10, ${s} FROM generate_series(1, ${SHAPE.orders}) i`);
    await c.query(`INSERT INTO payments SELECT ${b} + i, ${b} + 1 + (i % ${SHAPE.orders}), 10, ${s} FROM generate_series(1, ${SHAPE.payments}) i`);
  }
  // The FK indexes a soft-delete schema needs (docs/architecture.md: index the child's key).
  await c.query(`
CREATE INDEX ON posts (user_id); CREATE INDEX ON comments (user_id); CREATE INDEX ON comments (post_id);
CREATE INDEX ON likes (user_id); CREATE INDEX ON likes (post_id); CREATE INDEX ON orders (user_id); CREATE INDEX ON payments (order_id);`);
  await c.query("VACUUM ANALYZE");
  log(`built ${fmt(LIVE_USERS)} users and ${fmt(ACCOUNTS * CHILD_ROWS + (LIVE_USERS - ACCOUNTS) * 37)} child rows in ${ms(performance.now() - started)}`);
}

/** Runs statements one by one, each timed: the hand-written baseline. */
async function timedStatements(c: pg.Client, statements: string[], transaction: boolean) {
  const times: number[] = [];
  let rows = 0;
  if (transaction) await c.query("BEGIN");
  for (const s of statements) {
    const t = performance.now();
    rows += (await c.query(s)).rowCount ?? 0;
    times.push(performance.now() - t);
  }
  if (transaction) await c.query("COMMIT");
  return { total: times.reduce((a, b) => a + b, 0), longest: Math.max(...times), rows, statements: times.length };
}

const naiveRestore = (u: number) => {
  const s = `(SELECT deleted_at FROM users WHERE id = ${u})`;
  return [
    `UPDATE payments SET deleted_at = NULL WHERE order_id IN (SELECT id FROM orders WHERE user_id = ${u}) AND deleted_at = ${s}`,
    `UPDATE likes SET deleted_at = NULL WHERE user_id = ${u} AND deleted_at = ${s}`,
    `UPDATE comments SET deleted_at = NULL WHERE user_id = ${u} AND deleted_at = ${s}`,
    `UPDATE posts SET deleted_at = NULL WHERE user_id = ${u} AND deleted_at = ${s}`,
    `UPDATE orders SET deleted_at = NULL WHERE user_id = ${u} AND deleted_at = ${s}`,
    `UPDATE users SET deleted_at = NULL WHERE id = ${u}`,
  ];
};

// The seed's naive purge: one DELETE per table, children first.
const naivePurge = (u: number) => [
  `DELETE FROM comments WHERE user_id = ${u} OR post_id IN (SELECT id FROM posts WHERE user_id = ${u})`,
  `DELETE FROM likes WHERE user_id = ${u} OR post_id IN (SELECT id FROM posts WHERE user_id = ${u})`,
  `DELETE FROM posts WHERE user_id = ${u}`,
  `DELETE FROM payments WHERE order_id IN (SELECT id FROM orders WHERE user_id = ${u})`,
  `DELETE FROM orders WHERE user_id = ${u}`,
  `DELETE FROM users WHERE id = ${u}`,
];

/** Per table, children first: which rows the account owns (the naive purge's conditions, as SELECTs). */
const ownedRows = (u: number) => [
  ["comments", `SELECT id FROM comments WHERE user_id = ${u} OR post_id IN (SELECT id FROM posts WHERE user_id = ${u}) ORDER BY id`],
  ["likes", `SELECT id FROM likes WHERE user_id = ${u} OR post_id IN (SELECT id FROM posts WHERE user_id = ${u}) ORDER BY id`],
  ["posts", `SELECT id FROM posts WHERE user_id = ${u} ORDER BY id`],
  ["payments", `SELECT id FROM payments WHERE order_id IN (SELECT id FROM orders WHERE user_id = ${u}) ORDER BY id`],
  ["orders", `SELECT id FROM orders WHERE user_id = ${u} ORDER BY id`],
  ["users", `SELECT id FROM users WHERE id = ${u}`],
];

/** The hand-written batched purge: each table's keys found once, then deleted HAND_BATCH at a time, each batch committed. */
async function handBatchedPurge(c: pg.Client, u: number) {
  const batchMs: number[] = [];
  let rows = 0;
  const started = performance.now();
  for (const [table, find] of ownedRows(u)) {
    const ids = (await c.query(find)).rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += HAND_BATCH) {
      const t = performance.now();
      rows += (await c.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [ids.slice(i, i + HAND_BATCH)])).rowCount ?? 0;
      batchMs.push(performance.now() - t);
    }
  }
  return { rows, totalMs: performance.now() - started, batchMs };
}

async function below(c: pg.Client, u: number) {
  const r = await c.query(`SELECT
    (SELECT count(*) FROM posts WHERE user_id = ${u}) + (SELECT count(*) FROM comments WHERE user_id = ${u} OR post_id IN (SELECT id FROM posts WHERE user_id = ${u}))
    + (SELECT count(*) FROM likes WHERE user_id = ${u}) + (SELECT count(*) FROM orders WHERE user_id = ${u})
    + (SELECT count(*) FROM payments WHERE order_id IN (SELECT id FROM orders WHERE user_id = ${u})) AS n,
    (SELECT count(*) FROM users WHERE id = ${u}) AS u,
    (SELECT count(*) FROM posts WHERE user_id = ${u} AND deleted_at IS NOT NULL) + (SELECT count(*) FROM comments WHERE user_id = ${u} AND deleted_at IS NOT NULL)
    + (SELECT count(*) FROM likes WHERE user_id = ${u} AND deleted_at IS NOT NULL) + (SELECT count(*) FROM orders WHERE user_id = ${u} AND deleted_at IS NOT NULL)
    + (SELECT count(*) FROM payments WHERE order_id IN (SELECT id FROM orders WHERE user_id = ${u}) AND deleted_at IS NOT NULL) AS stamped`);
  return { rows: Number(r.rows[0].n), user: Number(r.rows[0].u), stamped: Number(r.rows[0].stamped) };
}

async function main() {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const dir = mkdtempSync(path.join(tmpdir(), "custodian-bench-softdelete-"));
  const c = new pg.Client({ connectionString: dbUrl() });
  await c.connect();
  const store = await openStore({ env: { CUSTODIAN_DATA_DIR: path.join(dir, "store") }, purpose: "bench:softdelete" });
  try {
    await build(c);
    const configFile = path.join(dir, "custodian.config.yaml");
    writeFileSync(
      configFile,
      `targets:\n  shop: { dialect: postgres, url: "\${BENCH_SHOP_URL}" }\nsoftDelete:\n  - { target: shop, table: users, column: deleted_at, graceDays: 30, unique: [email], pii: [email, name] }\n`,
    );
    const config = loadConfig(configFile, { ...process.env, BENCH_SHOP_URL: dbUrl() });

    // 1. Restore before purge.
    const pool = new TargetPool(config.targets);
    let restore;
    try {
      restore = await restoreSubject(store, config, pool, "shop.users", ["1"]);
    } finally {
      await pool.close();
    }
    const restoredRows = restore.restored.reduce((n, t) => n + t.rows, 0);
    const after1 = await below(c, 1);
    const baseRestore = await timedStatements(c, naiveRestore(2), true);
    const after2 = await below(c, 2);
    if (after1.stamped !== 0 || after2.stamped !== 0 || restoredRows !== CHILD_ROWS)
      throw new Error(`restore incomplete: custodian ${restoredRows} rows (${after1.stamped} still stamped), baseline ${after2.stamped} still stamped`);

    // 2. Deleted again, now past grace; purged.
    // Account 1 past grace (account 2 stays inside it, for the baseline's own DELETEs after).
    await c.query(`UPDATE users SET deleted_at = now() - interval '45 days' WHERE id = 1`);
    const { jobId } = await requestPurge(store, "shop.users", { requestedBy: "bench", trigger: "manual" });
    const purgeStarted = performance.now();
    const batches: { rows: number; ms: number }[] = [];
    const end = await runPurgeJob(store, config, jobId, { onBatch: (b) => batches.push(b) });
    const purgeMs = performance.now() - purgeStarted;
    const steps = await store.prisma.deletionStep.findMany({ where: { request: { jobId } } });
    const removed = steps.reduce((n, s) => n + Number(s.removed), 0);
    const longest = Math.max(...steps.map((s) => s.maxStatementMs));
    const statements = steps.reduce((n, s) => n + s.statements, 0);
    const left1 = await below(c, 1);
    const basePurge = await timedStatements(c, naivePurge(2), false);
    const left2 = await below(c, 2);
    const hand = await handBatchedPurge(c, 3);
    const left3 = await below(c, 3);
    if (end !== "completed" || left1.rows + left1.user !== 0 || left2.rows + left2.user !== 0 || left3.rows + left3.user !== 0) {
      const errors = (await store.prisma.deletionRequest.findMany({ where: { jobId }, include: { steps: true } })).map(
        (r) => `${r.key} ${r.status}: ${r.error ?? ""} ${r.steps.map((x) => x.error).join(" ")}`,
      );
      throw new Error(`purge incomplete: ${end}, ${left1.rows} rows left below account 1; ${errors.join("; ")}`);
    }
    const orphans = await c.query(`SELECT
      (SELECT count(*) FROM comments c WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id)) +
      (SELECT count(*) FROM likes l WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = l.post_id)) +
      (SELECT count(*) FROM payments x WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = x.order_id)) AS n`);

    const pass = (ok: boolean) => (ok ? "met" : "NOT MET");
    console.log(`bench:softdelete — one account with ${fmt(CHILD_ROWS)} child rows (posts ${fmt(SHAPE.posts)}, comments ${fmt(SHAPE.comments)}, likes ${fmt(SHAPE.likes)}, orders ${fmt(SHAPE.orders)}, payments ${fmt(SHAPE.payments)}) on PostgreSQL ${(await c.query("SHOW server_version")).rows[0].server_version}

restore before purge (the account and its ${fmt(restoredRows)} same-cascade rows, one transaction)
  custodian                 ${ms(restore.durationMs)}   (${fmt(Math.round(restoredRows / (restore.durationMs / 1000)))} rows/s)
  baseline: UPDATE per table ${ms(baseRestore.total)}   (${baseRestore.statements} statements, longest ${ms(baseRestore.longest)})
  ratio custodian/baseline  ${(restore.durationMs / baseRestore.total).toFixed(2)}×
  goal < 60 s               ${pass(restore.durationMs < 60_000)}

purge past grace (two-phase deletion request, ${fmt(removed)} rows removed in bounded batches)
  custodian total           ${ms(purgeMs)}   (${fmt(Math.round(removed / (purgeMs / 1000)))} rows/s, ${fmt(statements)} statements)
  custodian longest stmt    ${ms(longest)}
  baseline: DELETE per table ${ms(basePurge.total)}   (${basePurge.statements} statements, longest ${ms(basePurge.longest)})
  ratio longest statement   ${(longest / basePurge.longest).toFixed(3)}× of the baseline's
  ratio total time          ${(purgeMs / basePurge.total).toFixed(2)}× the baseline's
  goal: no statement > 1 s  ${pass(longest < 1000)}
  custodian batches         ${fmt(batches.length)}, p50 ${ms(
    percentile(
      batches.map((b) => b.ms),
      50,
    ),
  )}, p99 ${ms(
    percentile(
      batches.map((b) => b.ms),
      99,
    ),
  )}, max ${ms(Math.max(...batches.map((b) => b.ms)))}
  goal: p99 batch ≤ 250 ms  ${pass(
    percentile(
      batches.map((b) => b.ms),
      99,
    ) <= 250,
  )}
  baseline: batched DELETE  ${ms(hand.totalMs)}   (${fmt(Math.round(hand.rows / (hand.totalMs / 1000)))} rows/s, keys found once per table, ${fmt(hand.batchMs.length)} batches of ${HAND_BATCH}, p99 ${ms(percentile(hand.batchMs, 99))})
  ratio rate custodian/batched ${(removed / purgeMs / (hand.rows / hand.totalMs)).toFixed(2)}×
  goal: ≥ 0.5× the batched  ${pass(removed / purgeMs / (hand.rows / hand.totalMs) >= 0.5)}
  orphans left below users  ${fmt(Number(orphans.rows[0].n))}`);
  } finally {
    await store.close();
    await c.end();
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
