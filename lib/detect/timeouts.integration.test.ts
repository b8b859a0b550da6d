import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import type { Dialect } from "../config/types";
import type { Relation } from "../relations/types";
import { TargetPool } from "../targets/pool";
import type { KeyRange } from "../targets/types";
import { createMysqlDatabase, hasMysql, hasPostgres, POSTGRES_URL, postgresAdmin, postgresRows } from "../../test/services";
import { MAX_SPLITS } from "./bounded";
import { orphanKeyPages } from "./orphan-keys";
import { scanBounds, scanRelation } from "./scan";

/**
 * `scanStatementTimeoutMs`: a count that runs past it is split by key and retried, and
 * reported failed (never 0) when it still cannot finish. The slow statement is made
 * honestly: another session holds a lock on the parent table, so every count (which
 * reads the parent) waits for it, while the statements that find a middle key (which
 * read the child only) do not.
 */

const TIMEOUT_MS = 300;
const ROWS = 200;
/** Children 1..200 point at parents 1..40, except every 9th, which points at 1000 + i. */
const ORPHANS = Array.from({ length: ROWS }, (_, i) => i + 1).filter((i) => i % 9 === 0).length;

const ddl = [
  "CREATE TABLE parents (id INTEGER PRIMARY KEY)",
  "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NULL)",
  "CREATE INDEX children_parent ON children (parent_id)",
  `INSERT INTO parents (id) VALUES ${Array.from({ length: 40 }, (_, i) => `(${i + 1})`).join(", ")}`,
  `INSERT INTO children (id, parent_id) VALUES ${Array.from({ length: ROWS }, (_, i) => `(${i + 1}, ${(i + 1) % 9 === 0 ? 1000 + i : (i % 40) + 1})`).join(", ")}`,
];

/** A lock on the parent table held by another session until released. */
interface Lock {
  release(): Promise<void>;
}

interface Server {
  target: { dialect: Dialect; url: string };
  env: Record<string, string>;
  schema: string;
  lockParents(): Promise<Lock>;
  /** Statements of other sessions still waiting for the parent table's lock. */
  waiting(): Promise<number>;
  drop(): Promise<void>;
}

async function postgres(): Promise<Server> {
  const schema = `cust_timeouts_${randomBytes(4).toString("hex")}`;
  await postgresAdmin([`CREATE SCHEMA ${schema}`, `SET search_path = ${schema}`, ...ddl, "ANALYZE parents, children"].join(";\n"));
  return {
    target: { dialect: "postgres", url: "${TIMEOUTS_PG}" },
    env: { TIMEOUTS_PG: POSTGRES_URL },
    schema,
    async lockParents() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query("BEGIN");
      await c.query(`LOCK TABLE ${schema}.parents IN ACCESS EXCLUSIVE MODE`);
      return {
        release: async () => {
          await c.query("COMMIT");
          await c.end();
        },
      };
    },
    async waiting() {
      const rows = await postgresRows("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass", [`${schema}.parents`]);
      return Number(rows[0].n);
    },
    drop: () => postgresAdmin(`DROP SCHEMA ${schema} CASCADE`),
  };
}

async function mariadb(): Promise<Server> {
  const db = await createMysqlDatabase(`cust_timeouts_${randomBytes(4).toString("hex")}`);
  const c = await mysql.createConnection({ uri: db.url });
  for (const s of ddl) await c.query(s);
  await c.query("ANALYZE TABLE parents, children");
  await c.end();
  const schema = new URL(db.url).pathname.slice(1);
  return {
    target: { dialect: "mysql", url: "${TIMEOUTS_MY}" },
    env: { TIMEOUTS_MY: db.url },
    schema,
    async lockParents() {
      const k = await mysql.createConnection({ uri: db.url });
      await k.query("LOCK TABLES parents WRITE");
      return {
        release: async () => {
          await k.query("UNLOCK TABLES");
          await k.end();
        },
      };
    },
    async waiting() {
      const k = await mysql.createConnection({ uri: db.url });
      try {
        const [rows] = await k.query(
          "SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE '%lock%' AND COMMAND = 'Query' AND ID <> CONNECTION_ID()",
          [schema],
        );
        return Number((rows as { n: number }[])[0].n);
      } finally {
        await k.end();
      }
    },
    drop: db.drop,
  };
}

const servers: [string, () => Promise<Server>][] = [
  ...(hasPostgres ? [["postgres", postgres] as [string, () => Promise<Server>]] : []),
  ...(hasMysql ? [["mariadb", mariadb] as [string, () => Promise<Server>]] : []),
];

describe.runIf(servers.length).each(servers)("scanStatementTimeoutMs on %s", (_, make) => {
  let server: Server;
  let pool: TargetPool;
  let relation: Relation;
  let bounds: ReturnType<typeof scanBounds>;
  beforeAll(async () => {
    server = await make();
    const config = validateConfig({ targets: { db: { ...server.target, scanStatementTimeoutMs: TIMEOUT_MS } }, relations: [] }, "test.yaml", server.env);
    bounds = scanBounds(config.targets);
    pool = new TargetPool(config.targets);
    relation = {
      name: "children_parent",
      origin: "configured",
      child: { target: "db", schema: server.schema, table: "children", columns: ["parent_id"] },
      parent: { target: "db", schema: server.schema, table: "parents", columns: ["id"] },
    } as Relation;
  });
  afterAll(async () => {
    await pool?.close();
    await server?.drop();
  });

  it("counts within the limit as the one statement does", async () => {
    const r = await scanRelation(relation, pool, new Date(), { bounds });
    expect(r.error).toBeUndefined();
    expect(r.orphans).toBe(ORPHANS);
    expect(r.childRows).toBe(ROWS);
  });

  it("splits a count that runs past the limit, retries the halves, and adds them up exactly", async () => {
    const lock = await server.lockParents();
    const splits: [KeyRange, unknown[]][] = [];
    let released = false;
    try {
      const r = await scanRelation(relation, pool, new Date(), {
        bounds,
        // the lock goes once the first count has timed out: the halves then finish
        onSplit: async (range, at) => {
          splits.push([range, at]);
          if (!released) {
            released = true;
            await lock.release();
          }
        },
      });
      expect(r.error).toBeUndefined();
      expect(splits).toHaveLength(1);
      // along the relation's chunk key: its integer reference (lib/detect/ranges.ts)
      expect(splits[0][0]).toEqual({ columns: ["parent_id"], reference: true });
      expect(r.orphans).toBe(ORPHANS);
      expect(r.childRows).toBe(ROWS);
    } finally {
      if (!released) await lock.release();
    }
  });

  it("bounds the statements of the orphan key walk (sightings) too: a page past the limit fails instead of waiting", async () => {
    const lock = await server.lockParents();
    try {
      const walk = async () => {
        for await (const keys of orphanKeyPages(relation, pool, { bounds })) void keys;
      };
      await expect(walk()).rejects.toMatchObject({ kind: "timeout", target: "db" });
      expect(await server.waiting()).toBe(0);
    } finally {
      await lock.release();
    }
    const keys: unknown[][] = [];
    for await (const page of orphanKeyPages(relation, pool, { bounds })) keys.push(...page);
    expect(keys).toHaveLength(ORPHANS);
  });

  it("reports a chunk that still times out after its splits as failed, never as 0, and leaves no statement waiting", async () => {
    const lock = await server.lockParents();
    const splits: unknown[][] = [];
    try {
      const r = await scanRelation(relation, pool, new Date(), {
        bounds,
        range: { columns: ["id"], from: [20], to: [180] },
        onSplit: (_, at) => void splits.push(at),
      });
      expect(r.orphans).toBeNull();
      expect(r.childRows).toBeNull();
      expect(r.errorKind).toBe("timeout");
      expect(r.error).toMatch(new RegExp(`^db: timed out after ${TIMEOUT_MS} ms on range id in \\(20, \\d+\\], split ${MAX_SPLITS} times$`));
      // each split cut the lower half again: its middle key moves down, staying above 20
      expect(splits).toHaveLength(MAX_SPLITS);
      const keys = splits.map((k) => Number(k[0]));
      for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeLessThan(keys[i - 1]);
      expect(keys.at(-1)).toBeGreaterThan(20);
      // every timed-out statement was stopped by the server, not left waiting behind the scan
      expect(await server.waiting()).toBe(0);
    } finally {
      await lock.release();
    }
  });
});
