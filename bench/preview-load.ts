/**
 * Part of `npm run bench:dashboard` (issue 13, "Targets are protected"): the relation page's
 * live preview with 20 concurrent users on a 500K-row PostgreSQL target. Each request does
 * what the page does (components/relations/read-live.ts): a TargetPool of its own, the
 * relation's statements, a page of orphan rows, the pool closed. The process keeps idle
 * target pools as the web process does (lib/server/startup.ts), so every request shares the
 * target's pool of maxConnections (2). Measured against one user alone in the same run;
 * the target's backends are counted in pg_stat_activity by the bench's application_name.
 * Goal: p95 < 500 ms with 20 users, never more backends than maxConnections.
 *
 *   BENCH_DASHBOARD_PART=preview npm run bench:dashboard   (this part alone)
 *   BENCH_PREVIEW_ROWS=500000 BENCH_PREVIEW_USERS=20 BENCH_PREVIEW_REQUESTS=10
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { validateConfig } from "../lib/config/load";
import { orphanPreview } from "../lib/detect/preview";
import { relationStatements } from "../lib/detect/statements";
import { resolveRelations } from "../lib/relations/resolve";
import type { Relation } from "../lib/relations/types";
import { TargetPool } from "../lib/targets/pool";
import { keepIdleDriversFor } from "../lib/targets/shared-drivers";

const ROWS = Number(process.env.BENCH_PREVIEW_ROWS ?? 500_000);
const USERS = Number(process.env.BENCH_PREVIEW_USERS ?? 20);
const REQUESTS = Number(process.env.BENCH_PREVIEW_REQUESTS ?? 10);
const GOAL_MS = 500;
/** BENCH_PREVIEW_SHARED=0: every request reads the target itself (no sharing of one page's read between people). */
const SHARED = process.env.BENCH_PREVIEW_SHARED !== "0";
const DB = "custodian_bench_preview";

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

async function on(url: string, statement: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(statement, params)).rows;
  } finally {
    await c.end();
  }
}

/** Runs the part; true when it met its goals. */
export async function previewUnderLoad(adminUrl: string, log: (s: string) => void): Promise<boolean> {
  await on(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await on(adminUrl, `CREATE DATABASE ${DB}`);
  const u = new URL(adminUrl);
  u.pathname = `/${DB}`;
  const dbUrl = u.toString();
  const app = `custodian_bench_${randomBytes(3).toString("hex")}`;
  try {
    let t = performance.now();
    const parents = Math.round(ROWS / 10);
    await on(
      dbUrl,
      `CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
       -- every 100th account deleted: its events are the orphans (1%), scattered through the key order
       INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, ${parents}) g WHERE g % 100 <> 0;
       CREATE TABLE events (id bigint PRIMARY KEY, account_id bigint, payload text NOT NULL);
       -- 10 events per account, 1% NULL keys
       INSERT INTO events SELECT g, CASE WHEN g % 97 = 1 THEN NULL ELSE 1 + g % ${parents} END, 'event ' || g
         FROM generate_series(1, ${ROWS}) g;
       CREATE INDEX events_account_idx ON events (account_id);`,
    );
    await on(dbUrl, "VACUUM ANALYZE accounts");
    await on(dbUrl, "VACUUM ANALYZE events");
    const seedMs = performance.now() - t;
    const config = validateConfig(
      {
        targets: { shop: { dialect: "postgres", url: "${BENCH_SHOP_URL}" } },
        relations: [
          {
            name: "events_account",
            child: { target: "shop", table: "events", columns: ["account_id"] },
            parent: { target: "shop", table: "accounts", columns: ["id"] },
          },
        ],
      },
      "bench.yaml",
      { BENCH_SHOP_URL: `${dbUrl}?application_name=${app}` },
    );
    // As in the web process: the target's pool outlives each request.
    keepIdleDriversFor(60_000);
    const holder = new TargetPool(config.targets, { use: "reads" });
    const relation: Relation = (await resolveRelations(config, holder)).relations.find((r) => r.name === "events_account")!;
    await holder.close();

    /** One page visit: its own pool, the statements, three pages of orphans (first, next, next). */
    const visit = async (shared = SHARED): Promise<number[]> => {
      const times: number[] = [];
      let after: string | null = null;
      for (let p = 0; p < 3; p++) {
        const started = performance.now();
        const pool = new TargetPool(config.targets, { use: "reads" });
        try {
          await relationStatements(relation, pool);
          const page = await orphanPreview(relation, pool, { after, sharedForMs: shared ? 5000 : 0 });
          after = page.next;
        } finally {
          await pool.close();
        }
        times.push(performance.now() - started);
      }
      return times;
    };

    let most = 0;
    const seen = new Set<number>();
    let sampling = true;
    const sampler = (async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        while (sampling) {
          const { rows } = await c.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [app]);
          rows.forEach((r) => seen.add(r.pid));
          most = Math.max(most, rows.length);
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await c.end();
      }
    })();

    for (let i = 0; i < 3; i++) await visit(false); // warm-up
    t = performance.now();
    const alone: number[] = [];
    // one person alone, every page read from the target (nothing to share)
    for (let i = 0; i < REQUESTS; i++) alone.push(...(await visit(false)));
    const aloneMs = performance.now() - t;
    t = performance.now();
    const loaded = (
      await Promise.all(
        Array.from({ length: USERS }, async () => {
          const times: number[] = [];
          for (let i = 0; i < REQUESTS; i++) times.push(...(await visit()));
          return times;
        }),
      )
    ).flat();
    const loadedMs = performance.now() - t;
    sampling = false;
    await sampler;
    keepIdleDriversFor(0);
    // the idle pool is closed by the next release; one more visit ends it at once
    await visit(false);

    const row = (name: string, xs: number[], wall: number) =>
      `  ${name.padEnd(32)}${[0.5, 0.95, 0.99].map((q) => quantile(xs, q).toFixed(1).padStart(8)).join("")} ms   ${xs.length} requests, ${((xs.length / wall) * 1000).toFixed(0)} req/s`;
    const p95 = quantile(loaded, 0.95);
    const ok = p95 < GOAL_MS && most <= 2;
    log(`\nRelation page live preview under load (issue 13: p95 < ${GOAL_MS} ms with ${USERS} concurrent users, maxConnections held)`);
    log(
      `  target: PostgreSQL database ${DB}, ${ROWS.toLocaleString("en-US")} child rows (1% orphans: the events of every 100th account, deleted; 1% NULL keys), ${parents.toLocaleString("en-US")} parents; seeded in ${(seedMs / 1000).toFixed(1)} s`,
    );
    log(
      `  a request: its own TargetPool, the relation's statements, a page of orphan rows (pages 1–3 in turn); maxConnections 2; ${SHARED ? "a page's read shared for 5 s, as the page does" : "no shared reads (BENCH_PREVIEW_SHARED=0)"}`,
    );
    log(`  ${"".padEnd(32)}${"p50".padStart(8)}${"p95".padStart(8)}${"p99".padStart(8)}`);
    log(row("1 user, unshared (baseline)", alone, aloneMs));
    log(row(`${USERS} concurrent users`, loaded, loadedMs));
    log(
      `  p95 with ${USERS} users = ${(p95 / quantile(alone, 0.95)).toFixed(1)}× one user's; p50 ${(quantile(loaded, 0.5) / quantile(alone, 0.5)).toFixed(1)}×`,
    );
    log(`  target backends: at most ${most} at once, ${seen.size} distinct over the whole run (maxConnections 2)`);
    log(`  ${ok ? "Within the goal." : "OVER GOAL."}`);
    return ok;
  } finally {
    await on(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch((err) => console.error(`could not drop ${DB}: ${err.message}`));
  }
}
