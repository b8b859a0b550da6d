/**
 * `npm run bench:cli`: what a person waits for when they type `custodian …`.
 *
 * Measured in one run, each as the median of BENCH_RUNS runs (default 7) in a child process,
 * interleaved so a change of the machine's load touches every figure alike:
 *   - bare Node (`node -e 0`): the baseline every CLI start pays;
 *   - `custodian --help` and `custodian --version`;
 *   - `custodian scan --relation feedback_profile` against a fresh demo (one small relation,
 *     the store opened, the scan stored): the smallest real command;
 *   - what bounds that scan: opening one PGlite folder in a fresh process (the embedded
 *     store's; the demo's shop target is a second one), measured alone;
 *   - the same small scan on a PostgreSQL store with a PostgreSQL target (when the machine has
 *     PostgreSQL): Custodian's own cost, without PGlite's start.
 * Each is printed as its median, its difference from bare Node and their ratio, against the
 * goals: --help and --version within 0.3 s of bare Node; the small scan within 1 s.
 *
 * The CLI is the built one (`npm run build:cli`, run first if stale); BENCH_CLI_FROM_SOURCE=1
 * measures the TypeScript sources through tsx instead, for comparison.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { buildDemo, DEMO_CONFIG } from "../lib/demo/build";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin/custodian.mjs");
const fromSource = process.env.BENCH_CLI_FROM_SOURCE === "1";

interface Case {
  name: string;
  args: string[];
  /** Allowed over bare Node's median, in ms (null: measured against the goal below). */
  goalOverNodeMs: number | null;
  /** Allowed in all, in ms. */
  goalMs: number | null;
}

async function main() {
  execFileSync(process.execPath, [path.join(root, "scripts/build-cli.mjs"), "--if-stale"], { stdio: "inherit" });
  const dir = mkdtempSync(path.join(tmpdir(), "custodian-bench-cli-"));
  try {
    const config = path.join(dir, "custodian.config.yaml");
    cpSync(DEMO_CONFIG, config);
    await buildDemo({ dir: path.join(dir, "data") });
    const env = {
      ...process.env,
      CUSTODIAN_DATA_DIR: path.join(dir, "state"),
      CUSTODIAN_CONFIG: "",
      CUSTODIAN_CLI_FROM_SOURCE: fromSource ? "1" : "",
    };
    const cases: Case[] = [
      { name: "node -e 0", args: ["-e", "0"], goalOverNodeMs: null, goalMs: null },
      { name: "custodian --help", args: [bin, "--help"], goalOverNodeMs: 300, goalMs: null },
      { name: "custodian --version", args: [bin, "--version"], goalOverNodeMs: 300, goalMs: null },
      {
        name: "custodian scan (1 small relation)",
        args: [bin, "scan", "--config", config, "--relation", "feedback_profile", "--json"],
        goalOverNodeMs: null,
        goalMs: 1000,
      },
    ];
    // The first scan creates the embedded store (migrations): a one-time cost, not the command's.
    run(cases[3].args, env, dir);
    cases.push({
      name: "PGlite open + close (store folder)",
      // then exits at once, as the CLI does (bin/custodian.mjs): left to drain, the event loop
      // of a closed PGlite still waits ~0.15 s, which no command pays
      args: [
        "-e",
        `import(${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite")).href)}).then(async ({ PGlite }) => { await (await PGlite.create(${JSON.stringify(path.join(dir, "state/store"))})).close(); process.exit(0); })`,
      ],
      goalOverNodeMs: null,
      goalMs: null,
    });
    const server = await postgresCase(dir);
    const envOf = (c: Case) => (c === server?.case ? { ...env, ...server.env } : env);
    if (server) {
      cases.push(server.case);
      run(server.case.args, envOf(server.case), dir); // the store's migrations, once
    }
    const times = new Map(cases.map((c) => [c.name, [] as number[]]));
    try {
      for (let i = 0; i < RUNS; i++) {
        for (const c of cases) times.get(c.name)!.push(run(c.args, envOf(c), dir));
      }
    } finally {
      await server?.drop();
    }
    const node = median(times.get(cases[0].name)!);
    console.log(
      `custodian CLI start-up (${fromSource ? "TypeScript sources via tsx" : "built dist/cli"}), median of ${RUNS} runs, load ${loadavg()[0].toFixed(1)}:`,
    );
    console.log(`  ${"".padEnd(36)}${"median".padStart(9)}${"− node".padStart(10)}${"÷ node".padStart(9)}  goal`);
    let met = true;
    for (const c of cases) {
      const m = median(times.get(c.name)!);
      const over = m - node;
      const ok = (c.goalOverNodeMs === null || over <= c.goalOverNodeMs) && (c.goalMs === null || m <= c.goalMs);
      met &&= ok;
      const goal = c.goalOverNodeMs !== null ? `≤ node + ${c.goalOverNodeMs} ms` : c.goalMs !== null ? `≤ ${c.goalMs} ms` : "baseline";
      const verdict = c.goalOverNodeMs === null && c.goalMs === null ? "" : ok ? "  met" : "  MISSED";
      console.log(`  ${c.name.padEnd(36)}${ms(m).padStart(9)}${ms(over).padStart(10)}${(m / node).toFixed(2).padStart(8)}×  ${goal}${verdict}`);
    }
    console.log(met ? "every goal met" : "a goal was missed (a loaded machine is slower: see the load above)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall time of one child process, in ms; a failing command stops the bench. */
function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8" });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return elapsed;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const ms = (n: number) => `${Math.round(n)} ms`;

const PG_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * A scan of one small relation (100 parents, 1,000 children, 14 orphans) on a PostgreSQL
 * store and target, in a database of its own: null when the machine has no PostgreSQL.
 */
async function postgresCase(dir: string): Promise<{ case: Case; env: Record<string, string>; drop(): Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch {
    console.log(`(no PostgreSQL at ${PG_URL}: the PostgreSQL store case is left out)`);
    return null;
  }
  const db = `custodian_bench_cli_${process.pid}`;
  await admin.query(`CREATE DATABASE ${db}`);
  const url = new URL(PG_URL);
  url.pathname = `/${db}`;
  const target = new pg.Client({ connectionString: url.toString() });
  await target.connect();
  await target.query(`CREATE SCHEMA shop;
CREATE TABLE shop.users (id bigint PRIMARY KEY);
INSERT INTO shop.users SELECT g FROM generate_series(1, 100) g;
CREATE TABLE shop.feedback (id bigserial PRIMARY KEY, user_id bigint);
INSERT INTO shop.feedback (user_id) SELECT CASE WHEN g <= 14 THEN 1000 + g ELSE (g % 100) + 1 END FROM generate_series(1, 1000) g;`);
  await target.end();
  const config = path.join(dir, "postgres.config.yaml");
  writeFileSync(
    config,
    `targets:
  shop: { dialect: postgres, url: "\${BENCH_TARGET_URL}" }
relations:
  - name: feedback_user
    child:  { target: shop, schema: shop, table: feedback, columns: [user_id] }
    parent: { target: shop, schema: shop, table: users, columns: [id] }
`,
  );
  return {
    case: {
      name: "custodian scan (PostgreSQL store+target)",
      args: [bin, "scan", "--config", config, "--relation", "feedback_user", "--json"],
      goalOverNodeMs: null,
      goalMs: 1000,
    },
    env: { DATABASE_URL: url.toString(), BENCH_TARGET_URL: url.toString() },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.end();
    },
  };
}

await main();
