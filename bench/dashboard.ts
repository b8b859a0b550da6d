/**
 * `npm run bench:dashboard`: the dashboard's server render on a year of history. Seeds a
 * fresh PostgreSQL store with one year of hourly sweeps of 50 relations (8,760 sweeps,
 * 438,000 scans, failed scans, alerts, orphan sightings), points the relations at two
 * small SQLite targets (the relation page previews live rows), runs one real sweep on
 * top, starts the production server (`next start`), signs in as ops and requests the
 * overview and a relation page sequentially, interleaved with a baseline measured in the
 * same rounds: the sign-in page (a cheap server render through the same layout and
 * session code). Also times the store part of each page in this process.
 * Goal (issue 4): overview and relation page p95 < 300 ms. Then the relation preview with
 * 20 concurrent users on a 500K-row PostgreSQL target (bench/preview-load.ts; issue 13).
 *
 *   BENCH_ROUNDS=60 BENCH_WARMUP=10 npm run bench:dashboard
 *   BENCH_KEEP_DB=1 …   keeps the seeded store database (to EXPLAIN its queries); the next run drops it
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { activeAlerts } from "../lib/alerts/evaluate";
import { createAuth } from "../lib/auth/auth";
import { createPasswordUser } from "../lib/auth/users";
import { loadConfig } from "../lib/config/load";
import type { Config } from "../lib/config/types";
import { loadOverview } from "../lib/dashboard/overview";
import { latestScanOf, relationOf } from "../lib/dashboard/relation";
import { orphanSeries } from "../lib/dashboard/series";
import { orphanPreview } from "../lib/detect/preview";
import { relationStatements } from "../lib/detect/statements";
import { sightingsOf } from "../lib/sightings/record";
import { openStore, type Store } from "../lib/store/client";
import { sweepNow } from "../lib/sweeps/run";
import { TargetPool } from "../lib/targets/pool";
import { previewUnderLoad } from "./preview-load";

const root = path.resolve(import.meta.dirname, "..");
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DB = "custodian_bench_dashboard";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const GOAL_MS = 300;
const HOURS = 365 * 24;
const RELATIONS = 50;
/** Global count threshold: the three biggest relations are over it, so the overview has active alerts. */
const ALERT_AT = 250;
const HOUR = 3_600_000;
const BASELINE = "sign-in page (baseline)";
const RELATIONS_PAGE = "relations list /relations";

const log = (s: string) => console.log(s);
const fmt = (n: number) => n.toLocaleString("en-US");

// The relation preview under 20 concurrent users (bench/preview-load.ts), alone: no store, no server build.
if (process.env.BENCH_DASHBOARD_PART === "preview") {
  assertLocal(ADMIN_URL);
  process.exit((await previewUnderLoad(ADMIN_URL, log)) ? 0 : 1);
}

/** The bench creates and drops a database: never anywhere but this machine. */
function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) throw new Error(`refusing to create and drop a bench database on non-local host ${host}`);
}

// ── the live targets: two small SQLite databases ────────────────────────────────────────

interface RelationSpec {
  name: string;
  target: "app" | "events";
  table: string;
  /** Child rows now, and how many of them are orphans now (one row per orphan key). */
  rows: number;
  orphans: number;
}

const BASES = ["orders", "invoices", "sessions", "comments", "likes", "uploads", "carts", "reviews", "messages", "devices"];

function relationSpecs(): RelationSpec[] {
  return Array.from({ length: RELATIONS }, (_, i) => {
    const table = `${BASES[i % BASES.length]}_${Math.floor(i / BASES.length) + 1}`;
    // every fifth relation is clean now; three are over the alert threshold; the rest have a few to a few hundred
    const orphans = i % 5 === 0 ? 0 : [3, 7, 13].includes(i) ? 300 + i * 20 : 4 + ((i * 37) % 97) * 2;
    return { name: `${table}_user`, target: i % 2 ? "events" : "app", table, rows: 600 + ((i * 53) % 40) * 40 + orphans, orphans };
  });
}

const PARENTS = 5000;
/** Orphan keys point past the parents: user ids from here on do not exist. */
const GONE = 1_000_000;

function buildTargets(dir: string, specs: RelationSpec[]): void {
  const dbs = { app: new Database(path.join(dir, "app.db")), events: new Database(path.join(dir, "events.db")) };
  try {
    const app = dbs.app;
    app.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL)");
    const user = app.prepare("INSERT INTO users VALUES (?, ?, ?, ?)");
    app.transaction(() => {
      for (let id = 1; id <= PARENTS; id++) user.run(id, `user${id}@example.com`, `User ${id}`, new Date(Date.UTC(2025, 0, 1) + id * 60_000).toISOString());
    })();
    for (const [s, i] of specs.map((s, i) => [s, i] as const)) {
      const db = dbs[s.target];
      db.exec(`CREATE TABLE ${s.table} (id INTEGER PRIMARY KEY, user_id INTEGER, amount INTEGER, note TEXT, created_at TEXT NOT NULL);
               CREATE INDEX ${s.table}_user_id ON ${s.table} (user_id);`);
      const row = db.prepare(`INSERT INTO ${s.table} (user_id, amount, note, created_at) VALUES (?, ?, ?, ?)`);
      db.transaction(() => {
        for (let r = 0; r < s.rows; r++) {
          const orphan = r < s.orphans;
          const userId = orphan ? orphanKey(i, r) : 1 + ((r * 7919 + i * 104_729) % PARENTS);
          row.run(
            userId,
            (r * 31) % 1000,
            `row ${r} of ${s.table}: ${"lorem ipsum ".repeat(1 + (r % 12))}`,
            new Date(Date.UTC(2025, 0, 1) + r * 3_600_000).toISOString(),
          );
        }
      })();
    }
  } finally {
    dbs.app.close();
    dbs.events.close();
  }
}

const orphanKey = (relation: number, k: number) => GONE + relation * 10_000 + k;

function writeConfig(file: string, specs: RelationSpec[]): void {
  const lines = [
    "# written by bench/dashboard.ts",
    "targets:",
    '  app:    { dialect: sqlite, url: "file:./app.db" }',
    '  events: { dialect: sqlite, url: "file:./events.db" }',
    "relations:",
    ...specs.map(
      (s) =>
        `  - { name: ${s.name}, child: { target: ${s.target}, table: ${s.table}, columns: [user_id] }, parent: { target: app, table: users, columns: [id] } }`,
    ),
    `alerts: { orphans: ${ALERT_AT}, growthPerDay: 100 }`,
    // once a year: no scheduled sweep lands inside the measurement
    'schedule: { sweep: "0 0 1 1 *" }',
    "",
  ];
  writeFileSync(file, lines.join("\n"));
}

// ── the store: a year of history, seeded in SQL ─────────────────────────────────────────

async function seedHistory(url: string, specs: RelationSpec[], end: Date): Promise<{ sweeps: number; scans: number; sightings: number; alerts: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("SELECT setseed(0.42)");
    await c.query(`CREATE TEMP TABLE bench_rel (i int, name text, target text, tbl text, live int, child_rows int)`);
    await c.query(`INSERT INTO bench_rel SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[])`, [
      specs.map((_, i) => i),
      specs.map((s) => s.name),
      specs.map((s) => s.target),
      specs.map((s) => s.table),
      specs.map((s) => s.orphans),
      specs.map((s) => s.rows),
    ]);
    // hour h's sweep starts at its slot: the last one an hour before `end`, where the real sweep runs
    await c.query(
      `CREATE TEMP TABLE bench_hours AS
       SELECT h, gen_random_uuid() AS id, $1::timestamptz - (${HOURS} - h) * interval '1 hour' AS slot
       FROM generate_series(0, ${HOURS - 1}) AS h`,
      [new Date(Math.floor(end.getTime() / HOUR) * HOUR)],
    );
    await c.query(
      `INSERT INTO sweeps (id, trigger, slot, status, started_at, finished_at, heartbeat_at, config_hash, total, done, relations, failed)
       SELECT id, 'schedule', 'schedule:' || to_char(slot AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'completed',
         slot + interval '2 seconds', slot + interval '2 seconds' + (1500 + (h % 7) * 300) * interval '1 millisecond',
         slot + interval '2 seconds' + (1500 + (h % 7) * 300) * interval '1 millisecond', 'bench0000000000', ${RELATIONS}, ${RELATIONS}, ${RELATIONS}, 0
       FROM bench_hours`,
    );
    // Orphans grow from a quarter of today's count a year ago, with ±10% noise; relations clean
    // today had an episode of orphans that was cleaned up. 0.2% of scans fail, and the events
    // target was down for 12 hours in the summer.
    const scans = await c.query(
      `INSERT INTO scans (sweep_id, relation, origin, child_target, child_schema, child_table, child_columns, parent_target, parent_schema,
         parent_table, parent_columns, orphans, child_rows, duration_ms, scanned_at, error_kind, error)
       SELECT hr.id, r.name, 'configured', r.target, 'main', r.tbl, ARRAY['user_id'], 'app', 'main', 'users', ARRAY['id'],
         CASE WHEN f.failed THEN NULL
              WHEN r.live = 0 THEN greatest(0, least(hr.h - (3000 + r.i * 40), 4000 + r.i * 40 + 200 - hr.h, 120))::bigint
              ELSE greatest(0, round(r.live * (0.25 + 0.75 * hr.h / ${HOURS}.0) * (0.9 + 0.2 * random())))::bigint END,
         CASE WHEN f.failed THEN NULL ELSE round(r.child_rows * (0.5 + 0.5 * hr.h / ${HOURS}.0))::bigint END,
         (20 + random() * 180)::int,
         hr.slot + interval '2 seconds' + (r.i * 30) * interval '1 millisecond',
         CASE WHEN f.failed THEN 'unreachable' END,
         CASE WHEN f.failed THEN 'SQLITE_CANTOPEN: unable to open database file' END
       FROM bench_hours hr CROSS JOIN bench_rel r
       CROSS JOIN LATERAL (SELECT (r.target = 'events' AND hr.h BETWEEN 5000 AND 5011) OR random() < 0.002 AS failed) f`,
    );
    await c.query(
      `UPDATE sweeps w SET failed = f.n FROM (SELECT sweep_id, count(*) AS n FROM scans WHERE error IS NOT NULL GROUP BY sweep_id) f WHERE f.sweep_id = w.id`,
    );
    // Sightings: today's orphan keys, first seen as the relation grew (a quarter of them a year
    // ago), open; and 2,000 closed ones per relation (orphans that came and were cleaned up).
    const open = await c.query(
      `INSERT INTO orphan_sightings (relation, key, first_seen, last_seen, open)
       SELECT r.name, '["' || (${GONE} + r.i * 10000 + k) || '"]',
         $1::timestamptz - ${HOURS} * interval '1 hour' * least(1, (1 - k::float / r.live) / 0.75), $1::timestamptz - interval '1 hour', true
       FROM bench_rel r CROSS JOIN LATERAL generate_series(0, r.live - 1) AS k`,
      [end],
    );
    const closed = await c.query(
      `INSERT INTO orphan_sightings (relation, key, first_seen, last_seen, open)
       SELECT r.name, '["' || (2 * ${GONE} + r.i * 10000 + k) || '"]', s.first, s.first + random() * interval '30 days', false
       FROM bench_rel r CROSS JOIN generate_series(0, 1999) AS k
       CROSS JOIN LATERAL (SELECT $1::timestamptz - random() * ${HOURS} * interval '1 hour' AS first) s`,
      [end],
    );
    // Alerts: the relations over the threshold since they crossed it (the real sweep keeps them
    // firing), and a year of alerts that fired and resolved.
    const active = await c.query(
      `INSERT INTO alerts (relation, kind, threshold, value, fired_at, notified_at)
       SELECT name, 'count', ${ALERT_AT}, live, $1::timestamptz - interval '20 days', NULL FROM bench_rel WHERE live > ${ALERT_AT}`,
      [end],
    );
    const resolved = await c.query(
      `INSERT INTO alerts (relation, kind, threshold, value, fired_at, resolved_at)
       SELECT r.name, CASE WHEN n % 2 = 0 THEN 'growth' ELSE 'count' END, CASE WHEN n % 2 = 0 THEN 100 ELSE ${ALERT_AT} END,
         CASE WHEN n % 2 = 0 THEN 140 ELSE 260 END, t, t + interval '1 day' * (1 + n % 5)
       FROM bench_rel r CROSS JOIN generate_series(0, 3) AS n
       CROSS JOIN LATERAL (SELECT $1::timestamptz - interval '1 day' * (30 + (r.i * 7 + n * 83) % 320) AS t) a
       WHERE r.i % 3 = 0`,
      [end],
    );
    // A store a year old has been vacuumed and analyzed by autovacuum many times over.
    await c.query("VACUUM ANALYZE");
    return {
      sweeps: HOURS,
      scans: scans.rowCount ?? 0,
      sightings: (open.rowCount ?? 0) + (closed.rowCount ?? 0),
      alerts: (active.rowCount ?? 0) + (resolved.rowCount ?? 0),
    };
  } finally {
    await c.end();
  }
}

// ── the server ──────────────────────────────────────────────────────────────────────────

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Builds the web app when its build is missing or older than the sources (scripts/start.ts's rule). */
function ensureBuild(): string {
  // Turbopack cannot resolve a node_modules that links outside the project (a git worktree
  // sharing another checkout's): build with webpack there.
  const nm = path.join(root, "node_modules");
  const linkedOut = lstatSync(nm).isSymbolicLink() && !realpathSync(nm).startsWith(root + path.sep);
  const args = ["build", ...(linkedOut ? ["--webpack"] : [])];
  if (!buildIsStale()) return "existing .next build";
  log(`building the web app (next ${args.join(" ")})…`);
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), ...args], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  return `fresh build (next ${args.join(" ")})`;
}

function buildIsStale(): boolean {
  const marker = path.join(root, ".next/BUILD_ID");
  if (!existsSync(marker)) return true;
  const built = statSync(marker).mtimeMs;
  const newer = (p: string): boolean => {
    if (!existsSync(p)) return false;
    const s = statSync(p);
    if (!s.isDirectory()) return s.mtimeMs > built;
    return readdirSync(p).some((f) => newer(path.join(p, f)));
  };
  return ["app", "components", "lib", "instrumentation.ts", "next.config.ts", "package.json", "proxy.ts", "generated"].some((p) => newer(path.join(root, p)));
}

async function startServer(env: NodeJS.ProcessEnv, port: number, logFile: string): Promise<ChildProcess> {
  const out = createWriteStream(logFile);
  // its own process group: `next start` runs the app in a child, and both must stop at the end
  const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode != null) throw new Error(`the server exited (${child.exitCode}); its log: ${logFile}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/sign-in`);
      await r.text();
      if (r.status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer within 90 s; its log: ${logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode != null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
      resolve();
    }, 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  const r = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, password }),
  });
  if (r.status !== 200) throw new Error(`sign-in answered ${r.status}: ${await r.text()}`);
  await r.text();
  return r.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

// ── timing ──────────────────────────────────────────────────────────────────────────────

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  // nearest rank: p95 of 60 samples is the 57th
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

type Probe = () => Promise<void>;

/** Sequential, interleaved rounds with the order rotated each round: drift hits every probe alike. */
async function measure(probes: Record<string, Probe>, rounds: number, warmup: number): Promise<Record<string, number[]>> {
  const names = Object.keys(probes);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      const t = performance.now();
      await probes[name]();
      if (r >= warmup) times[name].push(performance.now() - t);
    }
  }
  return times;
}

/** A GET of a page, checked for what it must show (a redirect or an error page would be cheap and wrong). */
function page(base: string, pathname: string, cookie: string | null, markers: string[]): Probe {
  return async () => {
    const r = await fetch(base + pathname, { headers: cookie ? { cookie } : {}, redirect: "manual" });
    const html = await r.text();
    const missing = markers.filter((m) => !html.includes(m));
    if (r.status !== 200 || missing.length) throw new Error(`${pathname} answered ${r.status} without ${missing.map((m) => JSON.stringify(m)).join(", ")}`);
  };
}

// ── the run ─────────────────────────────────────────────────────────────────────────────

assertLocal(ADMIN_URL);
const storeUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB}`;
  return u.toString();
})();
const work = mkdtempSync(path.join(os.tmpdir(), "custodian-bench-dashboard-"));
let server: ChildProcess | undefined;
let store: Store | undefined;
let failed = false;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

// Ctrl-C: the server runs in its own process group, so stop it before leaving.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench:dashboard: ${signal}, stopping the server (the store database ${DB} is dropped by the next run)`);
    void stopServer(server).then(() => process.exit(130));
  });
}

try {
  const build = ensureBuild();
  const specs = relationSpecs();
  buildTargets(work, specs);
  const configFile = path.join(work, "custodian.config.yaml");
  writeConfig(configFile, specs);
  const config: Config = loadConfig(configFile);

  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const version = String((await admin("SHOW server_version")).rows[0].server_version).split(" ")[0];
  store = await openStore({ env: { DATABASE_URL: storeUrl } });

  let t = performance.now();
  const realSweepAt = new Date();
  const seeded = await seedHistory(storeUrl, specs, realSweepAt);
  const seedMs = performance.now() - t;
  // One real sweep on top: the latest scans, sightings and alerts are what the product writes.
  t = performance.now();
  const { result } = await sweepNow(store, config, "cli");
  const sweepMs = performance.now() - t;
  const wrong = result.results.filter((r) => r.error || r.orphans !== specs.find((s) => s.name === r.relation.name)?.orphans);
  if (result.results.length !== RELATIONS || wrong.length)
    throw new Error(`the real sweep disagrees with the targets: ${wrong.map((r) => `${r.relation.name}=${r.orphans ?? r.error}`).join(", ")}`);
  const newSightings = await store.prisma.orphanSighting.count({ where: { firstSeen: { gte: realSweepAt } } });
  if (newSightings) throw new Error(`the real sweep opened ${newSightings} sightings: the seeded keys are not in the product's format`);
  const counts = {
    scans: await store.prisma.scan.count(),
    sweeps: await store.prisma.sweep.count(),
    sightings: await store.prisma.orphanSighting.count(),
    alerts: await store.prisma.alert.count(),
    active: (await activeAlerts(store)).length,
  };
  const size = (await admin(`SELECT pg_size_pretty(pg_database_size('${DB}')) AS s`)).rows[0].s;

  // The user the pages are read as: ops reads the overview and previews rows.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const secret = randomBytes(32).toString("base64url");
  const email = "ops@bench.custodian.local";
  const password = randomBytes(18).toString("base64url");
  await createPasswordUser(createAuth(store, { CUSTODIAN_URL: base, BETTER_AUTH_SECRET: secret }), store, {
    email,
    name: "Bench ops",
    password,
    roles: ["ops"],
  });

  const logFile = path.join(work, "server.log");
  t = performance.now();
  server = await startServer(
    {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: storeUrl,
      CUSTODIAN_CONFIG: configFile,
      CUSTODIAN_DATA_DIR: path.join(work, "state"),
      CUSTODIAN_URL: base,
      BETTER_AUTH_SECRET: secret,
      CUSTODIAN_DEMO: "",
    },
    port,
    logFile,
  );
  const startMs = performance.now() - t;
  const cookie = await signIn(base, email, password);

  // The relation the page is measured on: the one with most orphans (its preview is a full page of rows).
  const top = [...specs].sort((a, b) => b.orphans - a.orphans)[0];
  const relPath = `/relations/${encodeURIComponent(top.name)}`;
  const overview = ['data-testid="total-orphans"', 'data-testid="alert"', "Orphans over time"];
  const relationPage = ['data-testid="orphan-preview"', 'data-testid="preview-next"', 'data-testid="relation-sql"'];
  const pages: Record<string, Probe> = {
    [BASELINE]: page(base, "/sign-in", null, ["Sign in to Custodian"]),
    "overview /?range=7d": page(base, "/?range=7d", cookie, overview),
    "overview /?range=all": page(base, "/?range=all", cookie, overview),
    [`relation ${relPath}`]: page(base, relPath, cookie, relationPage),
    [`relation ${relPath}?range=all`]: page(base, `${relPath}?range=all`, cookie, relationPage),
    [RELATIONS_PAGE]: page(base, "/relations", cookie, ['data-testid="relations"']),
  };

  // The store part of each page, in this process (same queries, no rendering, no HTTP).
  const relation = relationOf((await latestScanOf(store, top.name))!, config);
  const s = store;
  const storeOnly =
    (range: "7d" | "all"): Probe =>
    async () => {
      const scan = await latestScanOf(s, top.name);
      await Promise.all([orphanSeries(s, range, [scan!.relation]), activeAlerts(s)]);
    };
  const previewKeys = await (async () => {
    const pool = new TargetPool(config.targets);
    try {
      return (await orphanPreview(relation, pool)).keys;
    } finally {
      await pool.close();
    }
  })();
  const inProcess: Record<string, Probe> = {
    "loadOverview 7d": async () => void (await loadOverview(s, config, "7d")),
    "loadOverview all": async () => void (await loadOverview(s, config, "all")),
    "relation store reads 7d": async () => {
      await storeOnly("7d")();
      await sightingsOf(s, top.name, previewKeys);
    },
    "relation store reads all": async () => {
      await storeOnly("all")();
      await sightingsOf(s, top.name, previewKeys);
    },
    "relation live preview + SQL": async () => {
      const pool = new TargetPool(config.targets);
      try {
        await relationStatements(relation, pool).catch(() => []);
        await orphanPreview(relation, pool);
      } finally {
        await pool.close();
      }
    },
  };

  t = performance.now();
  const http = await measure(pages, ROUNDS, WARMUP);
  const httpMs = performance.now() - t;
  const local = await measure(inProcess, ROUNDS, Math.min(WARMUP, 3));

  log(`\nDashboard server render on a year of hourly history (issue 4: overview and relation page p95 < ${GOAL_MS} ms)`);
  log(`  store: PostgreSQL ${version} at ${new URL(ADMIN_URL).host}, database ${DB} (${size})`);
  log(
    `  seeded ${fmt(seeded.sweeps)} hourly sweeps × ${RELATIONS} relations = ${fmt(seeded.scans)} scans, ${fmt(seeded.sightings)} orphan sightings, ${fmt(seeded.alerts)} alerts in ${(seedMs / 1000).toFixed(1)} s (incl. VACUUM ANALYZE);` +
      ` then one real sweep of the live targets (${Math.round(sweepMs)} ms)`,
  );
  log(
    `  in the store: ${fmt(counts.sweeps)} sweeps, ${fmt(counts.scans)} scans, ${fmt(counts.sightings)} sightings, ${fmt(counts.alerts)} alerts (${counts.active} active)`,
  );
  log(`  targets: two SQLite files, ${fmt(specs.reduce((n, s) => n + s.rows, 0))} child rows in ${RELATIONS} tables, ${fmt(PARENTS)} parents`);
  log(`  server: next start (${build}), ready in ${(startMs / 1000).toFixed(1)} s; signed in as ops`);
  log(`  ${ROUNDS} rounds after ${WARMUP} warm-up, sequential, order rotated each round (${(httpMs / 1000).toFixed(0)} s); full response body timed\n`);

  const baseline = http[BASELINE];
  const bp50 = quantile(baseline, 0.5);
  const width = Math.max(...Object.keys(http).map((k) => k.length), ...Object.keys(local).map((k) => k.length)) + 2;
  const row = (name: string, xs: number[]) => `  ${name.padEnd(width)}${[0.5, 0.95, 0.99].map((q) => `${quantile(xs, q).toFixed(1).padStart(8)}`).join("")} ms`;
  log(`  ${"HTTP GET".padEnd(width)}${"p50".padStart(8)}${"p95".padStart(8)}${"p99".padStart(8)}`);
  for (const [name, xs] of Object.entries(http)) {
    if (name === BASELINE || name === RELATIONS_PAGE) {
      log(`${row(name, xs)}${name === RELATIONS_PAGE ? `   no goal in the issue; p50 = ${(quantile(xs, 0.5) / bp50).toFixed(1)}× the sign-in page's` : ""}`);
      continue;
    }
    const p95 = quantile(xs, 0.95);
    const ok = p95 < GOAL_MS;
    if (!ok) failed = true;
    log(`${row(name, xs)}   p95 ${ok ? "OK" : "OVER GOAL"} (< ${GOAL_MS} ms); p50 = ${(quantile(xs, 0.5) / bp50).toFixed(1)}× the sign-in page's`);
  }
  log(`\n  ${"store part, in this process".padEnd(width)}${"p50".padStart(8)}${"p95".padStart(8)}${"p99".padStart(8)}`);
  for (const [name, xs] of Object.entries(local)) log(`${row(name, xs)}   p50 = ${(quantile(xs, 0.5) / bp50).toFixed(1)}× the sign-in page's`);
  log(`\n  ${failed ? "A page is OVER its goal." : `Both pages are within the goal (p95 < ${GOAL_MS} ms).`}`);
  if (!(await previewUnderLoad(ADMIN_URL, log))) failed = true;
} catch (err) {
  failed = true;
  console.error(`bench:dashboard failed: ${(err as Error).stack ?? err}`);
  const logFile = path.join(work, "server.log");
  if (existsSync(logFile)) console.error(`--- server log (last 40 lines) ---\n${readFileSync(logFile, "utf8").split("\n").slice(-40).join("\n")}`);
} finally {
  await stopServer(server);
  await store?.close().catch(() => {});
  if (process.env.BENCH_KEEP_DB === "1") console.error(`kept the store for a look: ${storeUrl}`);
  else await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch((err) => console.error(`could not drop ${DB}: ${err.message}`));
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
