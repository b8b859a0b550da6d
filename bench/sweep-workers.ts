/**
 * `npm run bench:sweep:workers`: one sweep fanned out over 1, 2 and 4 real `custodian worker`
 * processes sharing a PostgreSQL store, against the same counts done without chunking.
 *
 * Built once per run, in databases of its own (prefix custodian_bench_fanout, dropped at the end):
 *   - a PostgreSQL child of BENCH_ROWS rows (default 20,000,000) in the schema
 *     custodian_bench_fanout, every 1000th row an orphan, parent_id indexed, ANALYZEd; loaded by
 *     INSERT … SELECT generate_series into UNLOGGED tables, keys and indexes made after the load;
 *   - a cross-target pair: a SQLite child of BENCH_CROSS_ROWS rows (default 5,000,000) whose
 *     parent is the PostgreSQL parent.
 * The data live in a database of their own, not in `test`: a sweep also counts every foreign key
 * its targets declare, and other work's tables in `test` would join the sweep.
 *
 * Measured in the same run: the baseline, each relation counted as Custodian counts it without
 * chunking (scanRelation with no range and no statement limit: the PostgreSQL dialect's
 * one-statement anti join, one unchunked key walk across targets); then for 1, 2 and 4 workers,
 * `custodian sweep --wait --json` on a fresh PostgreSQL store with `sweep.chunkRows` =
 * BENCH_CHUNK_ROWS (default a quarter of BENCH_ROWS: 5,000,000, the product's default, for 20M
 * rows: 4 ranges) and `scanStatementTimeoutMs` = BENCH_STATEMENT_TIMEOUT_MS (default the single
 * statement's time, at least 5 s: a chunk may take as long as the whole table did alone, no
 * longer). Each count must equal the baseline exactly, or the bench exits 1.
 *
 * The longest statement is the longest seen in pg_stat_activity on the data database, sampled
 * every 100 ms (so within 100 ms of the truth). A worker's RSS: VmRSS once idle before the sweep,
 * VmHWM (its peak) after it, from /proc.
 *
 *   BENCH_ROWS=2000000 BENCH_CROSS_ROWS=500000 npm run bench:sweep:workers   (a few minutes)
 *   BENCH_ROWS=5000000 BENCH_WORKERS=1 npm run bench:sweep:workers           (the one-worker ratio only)
 *   npm run bench:sweep:workers                                              (20M + 5M rows)
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { stringify } from "yaml";
import { loadConfig } from "../lib/config/load";
import { describeRange } from "../lib/detect/ranges";
import { scanRelation, type ScanResult } from "../lib/detect/scan";
import { resolveRelations } from "../lib/relations/resolve";
import { openStore, type Store } from "../lib/store/client";
import { TargetPool } from "../lib/targets/pool";
import type { KeyRange } from "../lib/targets/types";
import { PG_URL } from "./targets";

const ROWS = Number(process.env.BENCH_ROWS ?? 20_000_000);
const CROSS_ROWS = Number(process.env.BENCH_CROSS_ROWS ?? 5_000_000);
const PARENTS = Math.max(1000, Math.floor(ROWS / 10));
const CHUNK_ROWS = Number(process.env.BENCH_CHUNK_ROWS ?? Math.ceil(ROWS / 4));
/** The fleets measured, as worker counts (BENCH_WORKERS=1: the one-worker goal alone, a third of the time). */
const FLEETS = (process.env.BENCH_WORKERS ?? "1,2,4").split(",").map(Number);
if (!FLEETS.length || FLEETS.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`BENCH_WORKERS: worker counts such as 1,2,4, not ${process.env.BENCH_WORKERS}`);
/** Every ORPHAN_EVERY-th child row points past the parents: the orphans are known by construction. */
const ORPHAN_EVERY = 1000;
const SCHEMA = "custodian_bench_fanout";
const CHILD_RELATION = "fanout_child";
const CROSS_RELATION = "fanout_cross";
const GOAL_CHUNKING_RATIO = 1.2;
const GOAL_RSS_MB = 150;
const SAMPLE_MS = 100;

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin/custodian.mjs");
const suffix = randomBytes(4).toString("hex");
const DATA_DB = `${SCHEMA}_${suffix}`;
const STORE_DB = `${SCHEMA}_store_${suffix}`;
const q = (name: string) => pg.escapeIdentifier(name);
const dbUrl = (db: string) => Object.assign(new URL(PG_URL), { pathname: `/${db}` }).toString();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (kb: number) => Math.round(kb / 1024);

interface PartReport {
  relation: string;
  range?: KeyRange;
  status: string;
  worker: string | null;
  orphans: number | null;
  durationMs: number | null;
  attempts: number;
  error?: string;
}
interface SweepReport {
  sweepId: string;
  status: string;
  error?: string;
  relations: { name: string; orphans: number | null; error?: string }[];
  parts: PartReport[];
}
interface FleetRun {
  workers: number;
  wallMs: number;
  report: SweepReport;
  partsPerWorker: number[];
  longestStatementMs: number;
  /** Statements stopped at scanStatementTimeoutMs (their range then split and counted again). */
  statementsAtLimit: number;
  idleRssKb: number[];
  peakRssKb: number[];
  chunkSumMs: number;
  /** From the first part's start to the last part's landing: the counting, without the queue's hops and the CLI's start. */
  countingMs: number;
  /** From the sweep's creation to its first part's start: the sweep job's hop through the queue and the cut into ranges. */
  firstPartMs: number;
  /** From the last part's landing to the sweep's completion: the finish job's hop, the scans, the sightings (a walk of the orphan keys), alerts. */
  finishMs: number;
  /** w1…wn for a part's worker (host:pid) */
  workerLabel: (worker: string | null) => string;
  mismatches: string[];
}

async function admin(sql: string, params: unknown[] = [], db = "test"): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: db === "test" ? PG_URL : dbUrl(db) });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

async function buildPostgres(): Promise<void> {
  await admin(`CREATE DATABASE ${q(DATA_DB)}`);
  const c = new pg.Client({ connectionString: dbUrl(DATA_DB) });
  await c.connect();
  try {
    const t = (name: string) => `${q(SCHEMA)}.${q(name)}`;
    await c.query(`SET maintenance_work_mem = '256MB'`);
    await c.query(`CREATE SCHEMA ${q(SCHEMA)}`);
    // UNLOGGED: the load writes no WAL (twice as fast); a scan reads such a table as any other
    await c.query(`CREATE UNLOGGED TABLE ${t("parent")} (id bigint NOT NULL, name text NOT NULL)`);
    await c.query(`CREATE UNLOGGED TABLE ${t("child")} (id bigint NOT NULL, parent_id bigint)`);
    await c.query(`INSERT INTO ${t("parent")} SELECT i, 'parent ' || i FROM generate_series(1, $1::bigint) i`, [PARENTS]);
    await c.query(
      `INSERT INTO ${t("child")} SELECT i, CASE WHEN i % $2::bigint = 0 THEN $1::bigint + i ELSE (i % $1::bigint) + 1 END FROM generate_series(1, $3::bigint) i`,
      [PARENTS, ORPHAN_EVERY, ROWS],
    );
    await c.query(`ALTER TABLE ${t("parent")} ADD PRIMARY KEY (id)`);
    await c.query(`ALTER TABLE ${t("child")} ADD PRIMARY KEY (id)`);
    await c.query(`CREATE INDEX ON ${t("child")} (parent_id)`);
    await c.query(`VACUUM ANALYZE ${t("parent")}`);
    await c.query(`VACUUM ANALYZE ${t("child")}`);
  } finally {
    await c.end();
  }
}

function buildSqlite(file: string): void {
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER)`);
    db.prepare(
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
       INSERT INTO child SELECT i, CASE WHEN i % ? = 0 THEN ? + i ELSE (i % ?) + 1 END FROM s`,
    ).run(CROSS_ROWS, ORPHAN_EVERY, PARENTS, PARENTS);
    db.exec(`CREATE INDEX child_parent_idx ON child (parent_id); ANALYZE;`);
  } finally {
    db.close();
  }
}

function writeConfig(file: string, sqliteFile: string, timeoutMs?: number): void {
  const limit = timeoutMs ? { scanStatementTimeoutMs: timeoutMs } : {};
  const parent = { target: "pg", schema: SCHEMA, table: "parent", columns: ["id"] };
  const config = {
    targets: {
      pg: { dialect: "postgres", url: "${BENCH_FANOUT_PG_URL}", ...limit },
      lite: { dialect: "sqlite", url: `file:${sqliteFile}`, ...limit },
    },
    relations: [
      { name: CHILD_RELATION, child: { target: "pg", schema: SCHEMA, table: "child", columns: ["parent_id"] }, parent },
      { name: CROSS_RELATION, child: { target: "lite", table: "child", columns: ["parent_id"] }, parent },
    ],
    // once a year: the workers must not start a scheduled sweep of their own
    schedule: { sweep: "0 0 1 1 *" },
    sweep: { chunkRows: CHUNK_ROWS },
  };
  writeFileSync(file, stringify(config));
}

/** Each relation counted once without chunking, as an in-process scan does: relation name → result. */
async function baseline(configFile: string, env: Record<string, string>): Promise<Map<string, ScanResult>> {
  const config = loadConfig(configFile, env);
  const pool = new TargetPool(config.targets);
  try {
    const { relations, failures } = await resolveRelations(config, pool);
    if (failures.length) throw new Error(`targets unreadable: ${JSON.stringify(failures)}`);
    const out = new Map<string, ScanResult>();
    for (const r of relations) {
      const result = await scanRelation(r, pool);
      if (result.error || result.orphans == null) throw new Error(`baseline count of ${r.name} failed: ${result.error}`);
      out.set(r.name, result);
    }
    return out;
  } finally {
    await pool.close();
  }
}

/**
 * The statements seen running on the data database while `run` runs, sampled every SAMPLE_MS:
 * the longest, and how many ran into the limit (seen at 95% of it or more: PostgreSQL stops
 * them there, and Custodian splits their range and counts the halves).
 */
async function statementsDuring<T>(limitMs: number, run: () => Promise<T>): Promise<{ value: T; longestMs: number; atLimit: number }> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  const seen = new Map<string, number>();
  let stop = false;
  const sampler = (async () => {
    while (!stop) {
      const { rows } = await c.query<{ id: string; ms: number }>(
        `SELECT pid || '@' || query_start AS id, extract(epoch FROM clock_timestamp() - query_start)::float8 * 1000 AS ms
           FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() AND query_start IS NOT NULL`,
        [DATA_DB],
      );
      for (const r of rows) seen.set(r.id, Math.max(seen.get(r.id) ?? 0, r.ms));
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();
  try {
    const value = await run();
    const durations = [...seen.values()];
    return { value, longestMs: Math.max(0, ...durations), atLimit: durations.filter((ms) => ms >= 0.95 * limitMs).length };
  } finally {
    stop = true;
    await sampler.catch(() => {});
    await c.end();
  }
}

function procStatusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  if (!m) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]);
}

function startWorker(configFile: string, env: NodeJS.ProcessEnv, logFile: string): Promise<ChildProcess> {
  const w = spawn(process.execPath, [bin, "worker", "--config", configFile], { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
  const log = createWriteStream(logFile);
  w.stderr!.pipe(log);
  return new Promise((resolve, reject) => {
    let said = "";
    const timer = setTimeout(() => reject(new Error(`worker ${w.pid} not running after 120 s; its log: ${logFile}`)), 120_000);
    w.stderr!.on("data", (d) => {
      said += d;
      if (said.includes("custodian worker: running")) {
        clearTimeout(timer);
        resolve(w);
      }
    });
    w.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited ${code} before running; its log: ${logFile}`));
    });
  });
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  const alive = workers.filter((w) => w.exitCode === null && w.signalCode === null);
  await Promise.all(
    alive.map(
      (w) =>
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => w.kill("SIGKILL"), 30_000);
          w.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          w.kill("SIGTERM");
        }),
    ),
  );
}

function runSweep(configFile: string, env: NodeJS.ProcessEnv): Promise<{ report: SweepReport; wallMs: number }> {
  const started = performance.now();
  const p = spawn(process.execPath, [bin, "sweep", "--wait", "--json", "--config", configFile], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  p.stdout!.on("data", (d) => (out += d));
  p.stderr!.on("data", (d) => (err += d));
  return new Promise((resolve, reject) =>
    p.once("exit", (code) => {
      const wallMs = performance.now() - started;
      try {
        resolve({ report: JSON.parse(out) as SweepReport, wallMs });
      } catch {
        reject(new Error(`custodian sweep exited ${code} without a report: ${err.slice(-2000)}`));
      }
    }),
  );
}

async function fleetRun(
  store: Store,
  n: number,
  timeoutMs: number,
  configFile: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  base: Map<string, ScanResult>,
  live: ChildProcess[],
): Promise<FleetRun> {
  const workers: ChildProcess[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const w = await startWorker(configFile, env, path.join(logDir, `workers-${n}-${i}.log`));
      workers.push(w);
      live.push(w);
    }
    // settled after start (the queue polling, pools idle): what an idle worker holds
    await new Promise((r) => setTimeout(r, 2000));
    const idleRssKb = workers.map((w) => procStatusKb(w.pid!, "VmRSS"));
    const { value, longestMs, atLimit } = await statementsDuring(timeoutMs, () => runSweep(configFile, env));
    const { report, wallMs } = value;
    const peakRssKb = workers.map((w) => procStatusKb(w.pid!, "VmHWM"));

    const mismatches: string[] = [];
    if (report.status !== "completed") mismatches.push(`sweep ${report.status}${report.error ? `: ${report.error}` : ""}`);
    for (const [name, b] of base) {
      const got = report.relations.find((r) => r.name === name);
      if (got?.orphans !== b.orphans) mismatches.push(`${name}: ${got?.orphans ?? got?.error ?? "missing"} orphans, the baseline counted ${b.orphans}`);
      const partSum = report.parts.filter((p) => p.relation === name).reduce((s, p) => s + (p.orphans ?? NaN), 0);
      if (partSum !== b.orphans) mismatches.push(`${name}: its parts add up to ${partSum}, the baseline counted ${b.orphans}`);
    }
    if (report.relations.length !== base.size) mismatches.push(`${report.relations.length} relations swept, ${base.size} expected`);
    const pids = workers.map((w) => w.pid!);
    const partsPerWorker = pids.map((pid) => report.parts.filter((p) => p.worker?.endsWith(`:${pid}`)).length);
    for (const p of report.parts) {
      if (p.status !== "done") mismatches.push(`part ${p.relation} ${JSON.stringify(p.range ?? null)}: ${p.status} ${p.error ?? ""}`);
      if (p.attempts !== 1) mismatches.push(`part ${p.relation} ${JSON.stringify(p.range ?? null)}: ${p.attempts} attempts`);
      if (!pids.some((pid) => p.worker?.endsWith(`:${pid}`))) mismatches.push(`part ${p.relation} run by ${p.worker}, none of this run's workers`);
    }
    const chunkSumMs = report.parts.filter((p) => p.relation === CHILD_RELATION).reduce((s, p) => s + (p.durationMs ?? 0), 0);
    const span = await store.prisma.sweepPart.aggregate({ where: { sweepId: report.sweepId }, _min: { startedAt: true }, _max: { finishedAt: true } });
    const countingMs = (span._max.finishedAt?.getTime() ?? NaN) - (span._min.startedAt?.getTime() ?? NaN);
    const sweep = await store.prisma.sweep.findUniqueOrThrow({ where: { id: report.sweepId }, select: { startedAt: true, finishedAt: true } });
    const finishMs = (sweep.finishedAt?.getTime() ?? NaN) - (span._max.finishedAt?.getTime() ?? NaN);
    const firstPartMs = (span._min.startedAt?.getTime() ?? NaN) - sweep.startedAt.getTime();
    const workerLabel = (worker: string | null) => {
      const i = pids.findIndex((pid) => worker?.endsWith(`:${pid}`));
      return i < 0 ? String(worker) : `w${i + 1}`;
    };
    return {
      workers: n,
      wallMs,
      report,
      partsPerWorker,
      longestStatementMs: longestMs,
      statementsAtLimit: atLimit,
      idleRssKb,
      peakRssKb,
      chunkSumMs,
      countingMs,
      firstPartMs,
      finishMs,
      workerLabel,
      mismatches,
    };
  } finally {
    await stopWorkers(workers);
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")).join("\n");
}

async function main(): Promise<number> {
  const load0 = loadavg();
  console.log(
    `bench:sweep:workers — ${ROWS.toLocaleString("en")} PostgreSQL child rows (${PARENTS.toLocaleString("en")} parents), ${CROSS_ROWS.toLocaleString("en")} SQLite → PostgreSQL rows, chunkRows ${CHUNK_ROWS.toLocaleString("en")}; ${cpus().length} cores, load ${load0.map((l) => l.toFixed(2)).join(" ")}`,
  );
  execFileSync(process.execPath, [path.join(root, "scripts/build-cli.mjs"), "--if-stale"], { stdio: "inherit" });
  const tmp = mkdtempSync(path.join(tmpdir(), "custodian-bench-fanout-"));
  const live: ChildProcess[] = [];
  let store: Store | null = null;
  let made = { data: false, store: false };
  const cleanup = async () => {
    for (const w of live) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
    await store?.close().catch(() => {});
    store = null;
    if (made.store) await admin(`DROP DATABASE IF EXISTS ${q(STORE_DB)} WITH (FORCE)`).catch((e) => console.error(`dropping ${STORE_DB}: ${e}`));
    if (made.data) await admin(`DROP DATABASE IF EXISTS ${q(DATA_DB)} WITH (FORCE)`).catch((e) => console.error(`dropping ${DATA_DB}: ${e}`));
    made = { data: false, store: false };
    rmSync(tmp, { recursive: true, force: true });
  };
  for (const s of ["SIGINT", "SIGTERM"] as const)
    process.once(s, () => {
      console.error(`${s}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  try {
    let t = performance.now();
    made.data = true;
    await buildPostgres();
    const pgBuildMs = performance.now() - t;
    t = performance.now();
    const sqliteFile = path.join(tmp, "cross.db");
    buildSqlite(sqliteFile);
    console.log(`built: PostgreSQL ${secs(pgBuildMs)}, SQLite ${secs(performance.now() - t)}`);

    const configFile = path.join(tmp, "custodian.config.yaml");
    writeConfig(configFile, sqliteFile);
    const targetEnv = { BENCH_FANOUT_PG_URL: dbUrl(DATA_DB) };
    // warm the caches once, so the baseline and the sweeps read the same memory-resident pages
    await baseline(configFile, targetEnv);
    const base = await baseline(configFile, targetEnv);
    const single = base.get(CHILD_RELATION)!;
    const cross = base.get(CROSS_RELATION)!;
    const expected = { [CHILD_RELATION]: Math.floor(ROWS / ORPHAN_EVERY), [CROSS_RELATION]: Math.floor(CROSS_ROWS / ORPHAN_EVERY) };
    for (const [name, want] of Object.entries(expected))
      if (base.get(name)?.orphans !== want) throw new Error(`baseline ${name}: ${base.get(name)?.orphans} orphans, built with ${want}`);
    const baseMs = single.durationMs + cross.durationMs;
    console.log(
      `baseline: ${CHILD_RELATION} one statement ${secs(single.durationMs)} (${single.orphans} orphans), ${CROSS_RELATION} one unchunked walk ${secs(cross.durationMs)} (${cross.orphans} orphans)`,
    );

    const timeoutMs = Number(process.env.BENCH_STATEMENT_TIMEOUT_MS ?? Math.max(5000, Math.ceil(single.durationMs / 1000) * 1000));
    writeConfig(configFile, sqliteFile, timeoutMs);
    made.store = true;
    await admin(`CREATE DATABASE ${q(STORE_DB)}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...targetEnv,
      DATABASE_URL: dbUrl(STORE_DB),
      CUSTODIAN_DATA_DIR: path.join(tmp, "state"),
      CUSTODIAN_CONFIG: "",
      CUSTODIAN_LOG_LEVEL: "warn",
      CUSTODIAN_CLI_FROM_SOURCE: "",
      // a PostgreSQL store generates no evidence key: the processes sharing it are given one
      CUSTODIAN_EVIDENCE_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
    // migrated here, once, before any worker opens it
    store = await openStore({ env: env as Record<string, string>, purpose: "bench:sweep:workers" });

    const runs: FleetRun[] = [];
    for (const n of FLEETS) {
      const run = await fleetRun(store, n, timeoutMs, configFile, env, tmp, base, live);
      runs.push(run);
      const parts = run.report.parts.filter((p) => p.relation === CHILD_RELATION).length;
      console.log(
        `${n} worker(s), load ${loadavg()[0].toFixed(1)}: ${secs(run.wallMs)} (sweep created → first part ${secs(run.firstPartMs)}: the queue and the cut into ranges; counting ${secs(run.countingMs)}; last part → sweep completed ${secs(run.finishMs)}: the finish job, scans, sightings); ${CHILD_RELATION} in ${parts} part(s), its parts took ${secs(run.chunkSumMs)} in all (${(run.chunkSumMs / single.durationMs).toFixed(2)}× the single statement); ${run.mismatches.length ? `MISMATCH: ${run.mismatches.join("; ")}` : "every count equals the baseline"}`,
      );
      for (const p of run.report.parts)
        console.log(
          `  ${p.relation}${p.range ? ` ${describeRange(p.range)}` : ""}: ${p.orphans} orphans, worker ${run.workerLabel(p.worker)}, ${secs(p.durationMs ?? NaN)}, ${p.attempts} attempt(s)`,
        );
    }

    const rows = [
      [
        "workers",
        "wall",
        "rows/s",
        "vs single statement",
        "counting",
        "vs single statement",
        "parts per worker",
        "longest statement vs limit",
        "peak RSS above idle per worker",
      ],
    ];
    for (const r of runs)
      rows.push([
        String(r.workers),
        secs(r.wallMs),
        Math.round((ROWS + CROSS_ROWS) / (r.wallMs / 1000)).toLocaleString("en"),
        `${(r.wallMs / baseMs).toFixed(2)}×`,
        secs(r.countingMs),
        `${(r.countingMs / baseMs).toFixed(2)}×`,
        r.partsPerWorker.join(" / "),
        `${secs(r.longestStatementMs)} / ${secs(timeoutMs)}${r.statementsAtLimit ? ` (${r.statementsAtLimit} stopped at it, split)` : ""}`,
        r.peakRssKb.map((p, i) => `${mb(p - r.idleRssKb[i])}`).join(" / ") + ` MB (idle ${r.idleRssKb.map(mb).join(" / ")})`,
      ]);
    console.log(`\n${table(rows)}\n`);
    console.log(
      `wall: \`custodian sweep --wait\` from its start to its exit (the CLI's start, the queue's hops between the sweep, its parts and its finish, the 1 s polling); counting: the first part's start to the last part's landing. vs single statement: either over ${secs(baseMs)}, the one-statement count plus the unchunked cross-target walk, one after the other`,
    );
    const one = runs[0];
    const goals = [
      [
        `chunking with one worker ≤ ${GOAL_CHUNKING_RATIO}× the single statement (counting)`,
        one.countingMs / baseMs <= GOAL_CHUNKING_RATIO,
        `${(one.countingMs / baseMs).toFixed(2)}× counting, ${(one.wallMs / baseMs).toFixed(2)}× wall`,
      ],
      [
        // PostgreSQL stops a statement at the limit a moment late (the cancel's own latency, the 100 ms sampling): past it by more than 1 s, it was not stopped
        `no statement over scanStatementTimeoutMs (${secs(timeoutMs)}), i.e. none ran on more than 1 s past it`,
        runs.every((r) => r.longestStatementMs < timeoutMs + 1000),
        `longest ${secs(Math.max(...runs.map((r) => r.longestStatementMs)))}`,
      ],
      [
        `RSS per worker < ${GOAL_RSS_MB} MB above an idle worker`,
        runs.every((r) => r.peakRssKb.every((p, i) => mb(p - r.idleRssKb[i]) < GOAL_RSS_MB)),
        `most ${Math.max(...runs.flatMap((r) => r.peakRssKb.map((p, i) => mb(p - r.idleRssKb[i]))))} MB`,
      ],
      [
        "every chunk counted within the limit, none split",
        runs.every((r) => !r.statementsAtLimit),
        runs.map((r) => `${r.workers} worker(s): ${r.statementsAtLimit} statement(s) stopped at the limit`).join(", "),
      ],
      ["every count equals the baseline", runs.every((r) => !r.mismatches.length), runs.flatMap((r) => r.mismatches).join("; ") || "all equal"],
    ] as const;
    for (const [goal, met, got] of goals) console.log(`${met ? "MET   " : "MISSED"} ${goal}: ${got}`);
    const load1 = loadavg();
    console.log(
      `load average: ${load0.map((l) => l.toFixed(2)).join(" ")} at start, ${load1.map((l) => l.toFixed(2)).join(" ")} at end (${cpus().length} cores)`,
    );
    console.log(
      `On this ${cpus().length}-core machine extra workers cannot show a speed-up: PostgreSQL, SQLite and every worker share the same ${cpus().length} cores (and other work runs beside them); the table shows how the parts spread over the workers, that their counts stay exact, and whether their statements stay under the limit.`,
    );
    return runs.every((r) => !r.mismatches.length) ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
