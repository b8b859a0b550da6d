import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import { stringify } from "yaml";
import { assertLocal, createMysqlDatabase, POSTGRES_URL, postgresAdmin } from "./services";

/**
 * A fleet to sweep: CHILDREN child tables in each of PostgreSQL, MariaDB and SQLite, each
 * a configured relation to a parent in its own database, plus one relation from every
 * SQLite child to the PostgreSQL parent (across targets). Child i has 30 + 7·i rows; a row's
 * key is NULL every 7th row, else (row mod 25) + 1, and the parents hold ids 1–20: the
 * orphans of each relation are known by construction (`expectedOrphans`).
 */
export const CHILDREN = 10;
const PARENTS = 20;
const rowsOf = (i: number) => 30 + 7 * i;
const keyOf = (row: number) => (row % 7 === 0 ? null : (row % 25) + 1);

export function expectedOrphans(i: number): number {
  let n = 0;
  for (let row = 1; row <= rowsOf(i); row++) {
    const k = keyOf(row);
    if (k != null && k > PARENTS) n++;
  }
  return n;
}

export interface SweepFleet {
  configFile: string;
  env: Record<string, string>;
  /** relation name → its orphans, by construction */
  expected: Record<string, number>;
  /** The PostgreSQL child table the test can lock (ACCESS EXCLUSIVE) to hold its part mid-count, and its relation. */
  slowTable: string;
  slowRelation: string;
  drop(): Promise<void>;
}

const dq = (n: string) => `"${n.replace(/"/g, '""')}"`;
const bq = (n: string) => `\`${n.replace(/`/g, "``")}\``;

function ddl(t: (n: string) => string): string[] {
  const out = [
    `CREATE TABLE ${t("parent")} (id INTEGER PRIMARY KEY)`,
    `INSERT INTO ${t("parent")} (id) VALUES ${range(PARENTS)
      .map((id) => `(${id})`)
      .join(", ")}`,
  ];
  for (let i = 0; i < CHILDREN; i++) {
    out.push(`CREATE TABLE ${t(`child_${i}`)} (id INTEGER PRIMARY KEY, parent_id INTEGER NULL)`);
    out.push(
      `INSERT INTO ${t(`child_${i}`)} (id, parent_id) VALUES ${range(rowsOf(i))
        .map((row) => `(${row}, ${keyOf(row) ?? "NULL"})`)
        .join(", ")}`,
    );
  }
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export async function createSweepFleet(dir: string): Promise<SweepFleet> {
  const suffix = randomBytes(4).toString("hex");
  assertLocal(POSTGRES_URL);
  const schema = `sweep_fleet_${suffix}`;
  await postgresAdmin([`CREATE SCHEMA ${dq(schema)}`, ...ddl((n) => `${dq(schema)}.${dq(n)}`)].join(";\n"));
  const maria = await createMysqlDatabase(`cust_sweep_${suffix}`);
  const conn = await mysql.createConnection({ uri: maria.url });
  for (const s of ddl(bq)) await conn.query(s);
  await conn.end();
  const sqliteFile = path.join(dir, "fleet.db");
  const db = new Database(sqliteFile);
  for (const s of ddl(dq)) db.exec(s);
  db.close();

  const relations: object[] = [];
  const expected: Record<string, number> = {};
  const add = (name: string, child: object, parent: object, orphans: number) => {
    relations.push({ name, child, parent });
    expected[name] = orphans;
  };
  const end = (target: string, table: string, columns: string[], s?: string) => ({ target, ...(s ? { schema: s } : {}), table, columns });
  for (let i = 0; i < CHILDREN; i++) {
    add(`pg_child_${i}`, end("pg", `child_${i}`, ["parent_id"], schema), end("pg", "parent", ["id"], schema), expectedOrphans(i));
    add(`maria_child_${i}`, end("maria", `child_${i}`, ["parent_id"]), end("maria", "parent", ["id"]), expectedOrphans(i));
    add(`lite_child_${i}`, end("lite", `child_${i}`, ["parent_id"]), end("lite", "parent", ["id"]), expectedOrphans(i));
  }
  for (let i = 0; i < 3; i++) add(`lite_to_pg_${i}`, end("lite", `child_${i}`, ["parent_id"]), end("pg", "parent", ["id"], schema), expectedOrphans(i));

  const configFile = path.join(dir, "custodian.config.yaml");
  const config = {
    targets: {
      pg: { dialect: "postgres", url: "${FLEET_PG_URL}" },
      maria: { dialect: "mysql", url: "${FLEET_MARIA_URL}" },
      lite: { dialect: "sqlite", url: `file:${sqliteFile}` },
    },
    relations,
    // once a year: the workers under test must not start a scheduled sweep of their own
    schedule: { sweep: "0 0 1 1 *" },
  };
  writeFileSync(configFile, stringify(config));
  return {
    configFile,
    env: { FLEET_PG_URL: POSTGRES_URL, FLEET_MARIA_URL: maria.url },
    expected,
    slowTable: `${dq(schema)}.${dq(`child_${CHILDREN - 1}`)}`,
    slowRelation: `pg_child_${CHILDREN - 1}`,
    drop: async () => {
      await postgresAdmin(`DROP SCHEMA ${dq(schema)} CASCADE`);
      await maria.drop();
    },
  };
}
