/**
 * `npm run bench:sweep`: a relation with millions of orphan keys, swept on each store.
 *
 * 1. Builds a SQLite target whose `child` has BENCH_ORPHANS rows (default 10,000,000),
 *    each pointing at a missing parent: BENCH_ORPHANS orphan keys in one relation.
 * 2. Baselines measured in the same run: the bare count statement, and the walk that lists
 *    the orphan keys out of the target (what any recording of them has to read).
 * 3. On a fresh PostgreSQL store (a database on this machine's PostgreSQL, dropped at the
 *    end) and on the embedded PGlite store: a first sweep (every key opened), a second with
 *    nothing changed (nothing written: must be faster), a third after 1% of the orphans were
 *    removed from the target (they close). Times are printed against the goals (first
 *    sweep's sightings < 60 s on PostgreSQL, < 5 min embedded) and as multiples of the walk.
 * 4. The CLI's peak RSS (`custodian scan --json` in a child process, /usr/bin/time -v) for a
 *    SQLite child of 2M and of 10M rows (BENCH_RSS_ROWS) with the same 100,000 orphan keys
 *    (BENCH_RSS_KEYS), parents in PostgreSQL: it must not grow with the child.
 *
 * The number of orphan keys is the first argument (`npm run bench:sweep -- 2000000`) or
 * BENCH_ORPHANS; BENCH_STORES=postgres (or pglite) sweeps one store, BENCH_STORES=none none
 * (the RSS part alone); BENCH_RSS_ROWS=none skips the RSS part.
 *
 * Every sweep prints where its time went: the count, storing the scans, the sightings (the
 * stream of keys from the target into the store, and within it the waits for the target's
 * walk and for the store; the stage's index; statistics; the merge with the open
 * sightings), and what follows them (suggestions, backlog, alerts); the bench process's
 * peak RSS; and the machine's load average (figures from a loaded machine are slower).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { loadConfig } from "../lib/config/load";
import type { Config } from "../lib/config/types";
import { orphanKeyPages } from "../lib/detect/orphan-keys";
import { resolveRelations } from "../lib/relations/resolve";
import type { SightingsTimings } from "../lib/sightings/record";
import { openStore, type Store } from "../lib/store/client";
import { sweepNow } from "../lib/sweeps/run";
import { TargetPool } from "../lib/targets/pool";
import { PG_URL } from "./targets";

const ORPHANS = Number(process.argv[2] ?? process.env.BENCH_ORPHANS ?? 10_000_000);
const STORES = (process.env.BENCH_STORES ?? "postgres,pglite").split(",").filter((s): s is "postgres" | "pglite" => s === "postgres" || s === "pglite");
/** The CLI's peak RSS is compared over these child sizes, with BENCH_RSS_KEYS orphan keys in each. */
const RSS_ROWS = process.env.BENCH_RSS_ROWS === "none" ? [] : (process.env.BENCH_RSS_ROWS ?? "2000000,10000000").split(",").map(Number);
const RSS_KEYS = Number(process.env.BENCH_RSS_KEYS ?? 100_000);
const RSS_STORE = process.env.BENCH_RSS_STORE === "pglite" ? "pglite" : "postgres";
const GOAL_MS = { postgres: 60_000, pglite: 300_000 } as const;
const RELATION = "bench_orphans";
const STORE_DB = "custodian_bench_sweep";
const PARENT_SCHEMA = "custodian_bench_sweep_parents";

const fmt = (n: number) => n.toLocaleString("en-US");
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(line);
const load = () => `load ${loadavg()[0].toFixed(1)}`;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const if0 = (ms: number, text: string) => (ms >= 50 ? text : "");

function adminUrl(db: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A SQLite child of `rows` rows; every `every`-th points at a parent that does not exist (all of them when every = 1). */
function buildSqlite(file: string, rows: number, every: number, withParents: boolean): void {
  rmSync(file, { force: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  const parentOf = every === 1 ? "1000000000 + i" : `CASE WHEN i % ${every} = 0 THEN 1000000000 + i ELSE (i % 1000) + 1 END`;
  db.exec(`CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER);
    ${withParents ? "CREATE TABLE parent (id INTEGER PRIMARY KEY); WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) INSERT INTO parent SELECT i FROM s;" : ""}
    BEGIN;
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${rows}) INSERT INTO child SELECT i, ${parentOf} FROM s;
    COMMIT;
    CREATE INDEX child_parent_idx ON child (parent_id);
    ANALYZE;`);
  db.close();
}

function writeConfig(dir: string, targets: string[], parent: { target: string; schema?: string }): Config {
  const file = path.join(dir, "custodian.config.yaml");
  const schema = parent.schema ? `, schema: ${parent.schema}` : "";
  writeFileSync(
    file,
    [
      "# written by bench/sweep.ts",
      "targets:",
      ...targets,
      "relations:",
      `  - { name: ${RELATION}, child: { target: kids, table: child, columns: [parent_id] }, parent: { target: ${parent.target}${schema}, table: parent, columns: [id] } }`,
      'schedule: { sweep: "0 0 1 1 *" }',
      "",
    ].join("\n"),
  );
  return loadConfig(file, { ...process.env, BENCH_PARENT_URL: adminUrl(new URL(PG_URL).pathname.slice(1)) });
}

async function openCounts(store: Store): Promise<{ open: number; all: number }> {
  const [row] = await store.prisma.$queryRaw<{ open: bigint; all: bigint }[]>`
    SELECT count(*) FILTER (WHERE open) AS open, count(*) AS all FROM orphan_sightings WHERE relation = ${RELATION}`;
  return { open: Number(row.open), all: Number(row.all) };
}

/** One sweep's time, phase by phase (ms). */
interface SweepPhases {
  total: number;
  count: number;
  /** From the count's end to the first key recorded: the scans stored, the relation's lock. */
  before: number;
  sightings: SightingsTimings;
  /** From the last key recorded to the sweep's end: suggestions, backlog, alerts, the sweep marked completed. */
  after: number;
  /** The bench process's peak RSS so far, MB. */
  rssMb: number;
  load: number;
}

interface StoreRun {
  store: string;
  first: SweepPhases;
  second: SweepPhases;
  third: SweepPhases;
  goal: number;
}

const recordingMs = (p: SweepPhases) => p.total - p.count;

function describePhases(p: SweepPhases, walkMs: number): string {
  const t = p.sightings;
  return [
    `count ${secs(p.count)}`,
    `scans stored ${secs(p.before)}`,
    `sightings: stream ${secs(t.streamMs)} (waiting for the walk ${secs(t.walkMs)}, for the store ${secs(t.storeWaitMs)})`,
    if0(t.indexMs, `index ${secs(t.indexMs)}`),
    if0(t.statisticsMs, `statistics ${secs(t.statisticsMs)}`),
    if0(t.mergeMs, `merge ${secs(t.mergeMs)}`),
    `suggestions/backlog/alerts ${secs(p.after)}`,
    `= ${(recordingMs(p) / walkMs).toFixed(1)}× the walk`,
    `peak RSS ${p.rssMb.toFixed(0)} MB`,
    `load ${p.load.toFixed(1)}`,
  ]
    .filter(Boolean)
    .join("; ");
}

/** Three sweeps on one store: first (all new), second (nothing changed), third (1% gone), each timed phase by phase. */
async function sweepStore(kind: "postgres" | "pglite", config: Config, sqliteFile: string, walkMs: number): Promise<StoreRun> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "custodian-bench-sweep-store-"));
  const env: Record<string, string> = { CUSTODIAN_DATA_DIR: dataDir };
  if (kind === "postgres") {
    await admin(`DROP DATABASE IF EXISTS ${STORE_DB} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${STORE_DB}`);
    env.DATABASE_URL = adminUrl(STORE_DB);
  }
  const store = await openStore({ env, purpose: "bench:sweep" });
  try {
    const timed = async (label: string, expect: { open: number; all: number }): Promise<SweepPhases> => {
      let lastLog = 0;
      let lastEvent = 0;
      let sightings: SightingsTimings = { streamMs: 0, walkMs: 0, storeWaitMs: 0, indexMs: 0, statisticsMs: 0, mergeMs: 0 };
      const started = performance.now();
      const { result } = await sweepNow(store, config, "bench", {
        onSightings: (p) => {
          lastEvent = performance.now();
          sightings = p.timings;
          if (lastEvent - lastLog < 10_000) return;
          lastLog = lastEvent;
          log(`    … ${p.phase} ${fmt(p.done)} keys (${load()})`);
        },
      });
      const ended = performance.now();
      const total = ended - started;
      const r = result.results[0];
      if (r.error || r.sightingsError) throw new Error(`${label}: ${r.error ?? r.sightingsError}`);
      const got = await openCounts(store);
      if (got.open !== expect.open || got.all !== expect.all)
        throw new Error(`${label}: ${got.open} open of ${got.all} sightings, expected ${expect.open} of ${expect.all}`);
      const phases: SweepPhases = {
        total,
        count: r.durationMs,
        // the last event has the whole recording's timings: it began their sum before it
        before: Math.max(0, lastEvent - (sightings.streamMs + sightings.indexMs + sightings.statisticsMs + sightings.mergeMs) - started - r.durationMs),
        sightings,
        after: ended - lastEvent,
        rssMb: peakRssMb(),
        load: loadavg()[0],
      };
      log(`  ${kind} store, ${label}: sweep ${secs(total)}, sightings ${secs(recordingMs(phases))} (${fmt(got.open)} open of ${fmt(got.all)})`);
      log(`    ${describePhases(phases, walkMs)}`);
      return phases;
    };
    const first = await timed("first sweep (every key new)", { open: ORPHANS, all: ORPHANS });
    const second = await timed("second sweep (nothing changed)", { open: ORPHANS, all: ORPHANS });
    const db = new Database(sqliteFile);
    const gone = db.prepare("DELETE FROM child WHERE id % 100 = 0").run().changes;
    db.close();
    try {
      const third = await timed(`third sweep (${fmt(gone)} orphans gone)`, { open: ORPHANS - gone, all: ORPHANS });
      return { store: kind, first, second, third, goal: GOAL_MS[kind] };
    } finally {
      // put the removed rows back for the next store
      const back = new Database(sqliteFile);
      back.exec(
        `WITH RECURSIVE s(i) AS (SELECT 100 UNION ALL SELECT i + 100 FROM s WHERE i + 100 <= ${ORPHANS}) INSERT INTO child SELECT i, 1000000000 + i FROM s`,
      );
      back.close();
    }
  } finally {
    await store.close();
    if (kind === "postgres") await admin(`DROP DATABASE IF EXISTS ${STORE_DB} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The CLI's peak RSS scanning a SQLite child of `rows` rows (every 100th-of-ORPHANS an orphan) against parents in PostgreSQL. */
async function cliPeakRss(work: string, rows: number, orphanKeys: number): Promise<number> {
  const dir = mkdtempSync(path.join(work, "rss-"));
  buildSqlite(path.join(dir, "kids.db"), rows, Math.round(rows / orphanKeys), false);
  writeConfig(dir, ['  kids:    { dialect: sqlite, url: "file:./kids.db" }', '  parents: { dialect: postgres, url: "${BENCH_PARENT_URL}" }'], {
    target: "parents",
    schema: PARENT_SCHEMA,
  });
  await admin(`DROP DATABASE IF EXISTS ${STORE_DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${STORE_DB}`);
  try {
    const res = spawnSync(
      "/usr/bin/time",
      [
        "-v",
        process.execPath,
        path.resolve(import.meta.dirname, "../bin/custodian.mjs"),
        "scan",
        "--config",
        path.join(dir, "custodian.config.yaml"),
        "--json",
      ],
      {
        env: {
          ...process.env,
          // BENCH_RSS_STORE=pglite: the embedded store (in the CLI's own process, so its memory counts too)
          DATABASE_URL: RSS_STORE === "pglite" ? "" : adminUrl(STORE_DB),
          CUSTODIAN_DATA_DIR: dir,
          BENCH_PARENT_URL: adminUrl(new URL(PG_URL).pathname.slice(1)),
        },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const doc = JSON.parse(res.stdout);
    const r = doc.relations[0];
    if (res.status !== 0 || r.orphans !== orphanKeys || r.sightingsError)
      throw new Error(`scan of ${fmt(rows)} rows: exit ${res.status}, ${JSON.stringify(r)}\n${res.stderr.slice(-2000)}`);
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr)?.[1]);
    return kb / 1024;
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${STORE_DB} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), "custodian-bench-sweep-"));
  try {
    log(`bench:sweep: ${fmt(ORPHANS)} orphan keys in one relation (${load()}, ${cpus().length} cores)`);
    let t = performance.now();
    const sqliteFile = path.join(work, "kids.db");
    buildSqlite(sqliteFile, ORPHANS, 1, true);
    log(`  built a SQLite child of ${fmt(ORPHANS)} rows, every one an orphan, in ${secs(performance.now() - t)}`);
    const config = writeConfig(work, ['  kids: { dialect: sqlite, url: "file:./kids.db" }'], { target: "kids" });

    // Baselines, same run: the bare count statement, and the walk listing the orphan keys.
    const db = new Database(sqliteFile, { readonly: true });
    t = performance.now();
    const bare = db.prepare("SELECT count(*) AS n FROM child WHERE parent_id NOT IN (SELECT id FROM parent)").get() as { n: number };
    const countMs = performance.now() - t;
    db.close();
    if (bare.n !== ORPHANS) throw new Error(`bare count ${bare.n}, expected ${ORPHANS}`);
    const pool = new TargetPool(config.targets);
    t = performance.now();
    let walked = 0;
    const [relation] = (await resolveRelations(config, pool)).relations;
    for await (const page of orphanKeyPages(relation, pool)) walked += page.length;
    const walkMs = performance.now() - t;
    await pool.close();
    if (walked !== ORPHANS) throw new Error(`walk listed ${walked} keys, expected ${ORPHANS}`);
    const walkRssMb = peakRssMb();
    log(
      `  baselines: bare count statement ${secs(countMs)}; walk listing the orphan keys (no store) ${secs(walkMs)}; peak RSS ${walkRssMb.toFixed(0)} MB (${load()})`,
    );

    const runs: StoreRun[] = [];
    for (const kind of STORES) runs.push(await sweepStore(kind, config, sqliteFile, walkMs));

    // The CLI's peak RSS must not grow with the child: same orphan keys, 5× the rows.
    await admin(`DROP SCHEMA IF EXISTS ${PARENT_SCHEMA} CASCADE; CREATE SCHEMA ${PARENT_SCHEMA};
      CREATE TABLE ${PARENT_SCHEMA}.parent (id bigint PRIMARY KEY); INSERT INTO ${PARENT_SCHEMA}.parent SELECT generate_series(1, 1000)`);
    const keys = RSS_KEYS;
    const rss: { rows: number; mb: number }[] = [];
    try {
      for (const rows of RSS_ROWS) rss.push({ rows, mb: await cliPeakRss(work, rows, keys) });
    } finally {
      await admin(`DROP SCHEMA IF EXISTS ${PARENT_SCHEMA} CASCADE`);
    }

    if (runs.length) {
      log("");
      log(`Sightings (the sweep less its count) of ${fmt(ORPHANS)} orphan keys; baseline: the walk listing them, ${secs(walkMs)} in this run`);
      log(
        `| store | first sweep | vs walk | goal | second (nothing changed) | vs first | third (1% gone) | vs first | peak RSS (growth over the walk's) | load |`,
      );
      log(`|---|---|---|---|---|---|---|---|---|---|`);
      for (const r of runs) {
        const [first, second, third] = [r.first, r.second, r.third].map(recordingMs);
        log(
          `| ${r.store} | ${secs(first)} | ${(first / walkMs).toFixed(1)}× | < ${secs(r.goal)} ${first < r.goal ? "met" : "MISSED"} | ${secs(second)} | ${(second / first).toFixed(2)}× ${second < first ? "faster" : "NOT FASTER"} | ${secs(third)} | ${(third / first).toFixed(2)}× | ${r.third.rssMb.toFixed(0)} MB (+${Math.max(0, r.third.rssMb - walkRssMb).toFixed(0)}) | ${r.first.load.toFixed(1)}, ${r.second.load.toFixed(1)}, ${r.third.load.toFixed(1)} |`,
        );
      }
    }
    if (rss.length) log("");
    if (rss.length)
      log(
        `CLI peak RSS, \`custodian scan --json\`, ${fmt(keys)} orphan keys, SQLite child → PostgreSQL parent, ${RSS_STORE === "pglite" ? "embedded PGlite" : "PostgreSQL"} store:`,
      );
    for (const r of rss) log(`  ${fmt(r.rows)}-row child: ${r.mb.toFixed(0)} MB`);
    if (rss.length > 1) log(`  ratio ${(rss.at(-1)!.mb / rss[0].mb).toFixed(2)} for ${(rss.at(-1)!.rows / rss[0].rows).toFixed(0)}× the rows (flat: ≈ 1)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
