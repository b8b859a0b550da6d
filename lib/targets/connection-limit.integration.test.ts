import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import type { Config } from "../config/types";
import { orphanPreview } from "../detect/preview";
import { sweep } from "../detect/sweep";
import { resolveRelations } from "../relations/resolve";
import { createFixture, FIXTURE_EXPECTED, type Fixture } from "../../test/fixtures";
import { hasMysql, hasPostgres, mysqlRows, MYSQL_URL, postgresRows } from "../../test/services";
import { TargetPool } from "./pool";

/**
 * `maxConnections` bounds the process: every sweep, preview and statement below opens its
 * own TargetPool (as the web pages and jobs do), and the server never sees more backends
 * of this target than the limit, however many run at once.
 */
const servers = [...(hasPostgres ? (["postgres"] as const) : []), ...(hasMysql ? (["mysql"] as const) : [])];
const LIMIT = 2;

describe.each(servers)("maxConnections on %s", (dialect) => {
  let fx: Fixture;
  let config: Config;
  /** This target's backends on the server now (found by the fixture's own application name / database). */
  let backends: () => Promise<number[]>;

  beforeAll(async () => {
    fx = await createFixture(dialect);
    let url = fx.url;
    if (dialect === "postgres") {
      const app = `custodian_limit_${randomBytes(4).toString("hex")}`;
      url = `${fx.url}?application_name=${app}`;
      backends = async () =>
        (await postgresRows("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()", [app])).map((r) => Number(r.pid));
    } else {
      const db = fx.schema!;
      backends = async () =>
        (await mysqlRows(MYSQL_URL, `SELECT id FROM information_schema.processlist WHERE db = '${db}' AND id <> CONNECTION_ID()`)).map((r) => Number(r.id));
    }
    const at = (table: string, columns: string[]) => ({ target: "db", ...(fx.schema ? { schema: fx.schema } : {}), table, columns });
    config = validateConfig(
      {
        targets: { db: { dialect, url: "${DB_URL}", maxConnections: LIMIT } },
        relations: [{ name: "taggings", child: at("taggings", ["tag_name"]), parent: at("tags", ["name"]) }],
      },
      "test.yaml",
      { DB_URL: url },
    );
  });
  afterAll(async () => {
    await fx?.drop();
  });

  it("holds under concurrent scans, previews and slow statements, each from its own pool", async () => {
    const seen = new Set<number>();
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const now = await backends();
        now.forEach((id) => seen.add(id));
        most = Math.max(most, now.length);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // Held open for the whole test, so the process's pool is never closed and reopened
    // between the others: every backend it ever had is one of the same `LIMIT`.
    const holder = new TargetPool(config.targets);
    await holder.get("db");
    try {
      const relation = (await resolveRelations(config, holder)).relations.find((r) => r.name === "taggings")!;
      const slow = dialect === "postgres" ? sql`SELECT pg_sleep(0.3)` : sql`SELECT SLEEP(0.3)`;
      const own = async <T>(fn: (pool: TargetPool) => Promise<T>) => {
        const pool = new TargetPool(config.targets);
        try {
          return await fn(pool);
        } finally {
          await pool.close();
        }
      };
      const started = performance.now();
      const [sweeps, previews] = await Promise.all([
        Promise.all(Array.from({ length: 4 }, () => sweep(config, { only: ["taggings"] }))),
        Promise.all(Array.from({ length: 8 }, () => own((pool) => orphanPreview(relation, pool)))),
        Promise.all(Array.from({ length: 6 }, () => own(async (pool) => (await pool.get("db")).query(slow)))),
      ]);
      const ms = performance.now() - started;
      for (const s of sweeps) expect(s.results.map((r) => [r.relation.name, r.orphans, r.error])).toEqual([["taggings", FIXTURE_EXPECTED.taggings, undefined]]);
      for (const p of previews) expect(p.keys.map((k) => String(k[0])).sort()).toEqual(["deleted-tag", "ghost"]);
      // six 0.3 s statements on two connections queue three deep
      expect(ms).toBeGreaterThanOrEqual(900 - 50);
    } finally {
      sampling = false;
      await sampler;
      await holder.close();
    }
    expect(most).toBe(LIMIT);
    expect(seen.size).toBeLessThanOrEqual(LIMIT);
  });
});
