/**
 * `npm run bench:chunks`: what a relation inside one database costs counted in ranges, cut
 * along the child's primary key or along its reference columns (lib/detect/ranges.ts),
 * against the one statement, measured in the same run on each dialect.
 *
 * Built in places of its own (dropped at the end): a parent of BENCH_ROWS / 10 rows (integer
 * primary key) and a child of BENCH_ROWS rows (default 2,000,000) with two indexed references
 * to it, every 1000th row an orphan: `follow_id`, whose keys rise with the child's primary key
 * (rows inserted in the order of their parents), and `scatter_id`, the same keys scattered
 * over the rows. Each relation is counted as Custodian counts it (scanRelation): in one
 * statement; in 4 ranges of the child's primary key; in 4 ranges of its reference, as
 * planRanges cuts it (the parent's key bounded alike). A range's time is its count's own
 * (durationMs); the ranges' times are added up. Medians of BENCH_RUNS (default 3) runs; each
 * count must equal the one statement's, or the bench exits 1.
 *
 *   npm run bench:chunks                                   (2M rows on PostgreSQL, MariaDB, SQLite)
 *   BENCH_ROWS=500000 BENCH_DIALECTS=sqlite npm run bench:chunks
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { validateConfig } from "../lib/config/load";
import type { Dialect } from "../lib/config/types";
import { planRanges, rangesBetween } from "../lib/detect/ranges";
import { scanRelation } from "../lib/detect/scan";
import { resolveRelations } from "../lib/relations/resolve";
import { TargetPool } from "../lib/targets/pool";
import type { KeyRange } from "../lib/targets/types";
import { MYSQL_ROOT_URL, PG_URL } from "./targets";

const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
const PARENTS = Math.max(1000, Math.floor(ROWS / 10));
const RANGES = 4;
const CHUNK_ROWS = Math.ceil(ROWS / RANGES);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DIALECTS = (process.env.BENCH_DIALECTS ?? "postgres,mysql,sqlite").split(",") as Dialect[];
const ORPHAN_EVERY = 1000;
const NAME = `custodian_bench_chunks_${randomBytes(4).toString("hex")}`;
const LAYOUTS = ["follow_id", "scatter_id"] as const;

// follow: the keys rise with the rows; scatter: the same kind of keys, spread by a multiplicative hash
const followSql = (i: string) => `CASE WHEN ${i} % ${ORPHAN_EVERY} = 0 THEN ${PARENTS} + ${i} ELSE (${i} % ${PARENTS}) + 1 END`;
const scatterSql = (i: string) => `CASE WHEN ${i} % ${ORPHAN_EVERY} = 0 THEN ${PARENTS} + ${i} ELSE ((${i} * 2654435761) % ${PARENTS}) + 1 END`;

interface Place {
  target: { dialect: Dialect; url: string };
  schema: string;
  drop(): Promise<void>;
}

async function build(d: Dialect): Promise<Place> {
  const tables = [
    `CREATE TABLE parent (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL)`,
    `CREATE TABLE child (id BIGINT NOT NULL PRIMARY KEY, follow_id BIGINT NULL, scatter_id BIGINT NULL)`,
  ];
  const indexes = [`CREATE INDEX child_follow ON child (follow_id)`, `CREATE INDEX child_scatter ON child (scatter_id)`];
  if (d === "postgres") {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA ${NAME}; SET search_path = ${NAME}`);
      for (const s of tables) await c.query(s);
      await c.query(`INSERT INTO parent SELECT i, 'parent ' || i FROM generate_series(1, ${PARENTS}) i`);
      await c.query(`INSERT INTO child SELECT i, ${followSql("i")}, ${scatterSql("i")} FROM generate_series(1, ${ROWS}::bigint) i`);
      for (const s of indexes) await c.query(s);
      await c.query(`VACUUM ANALYZE parent`);
      await c.query(`VACUUM ANALYZE child`);
    } finally {
      await c.end();
    }
    return {
      target: { dialect: d, url: PG_URL },
      schema: NAME,
      drop: async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA ${NAME} CASCADE`);
        await c.end();
      },
    };
  }
  if (d === "mysql") {
    const admin = await mysql.createConnection({ uri: MYSQL_ROOT_URL, multipleStatements: true });
    await admin.query(`CREATE DATABASE ${NAME}`);
    await admin.query(`USE ${NAME}`);
    for (const s of tables) await admin.query(s);
    await admin.query(`INSERT INTO parent SELECT seq, CONCAT('parent ', seq) FROM seq_1_to_${PARENTS}`);
    await admin.query(`INSERT INTO child SELECT seq, ${followSql("seq")}, ${scatterSql("seq")} FROM seq_1_to_${ROWS}`);
    for (const s of indexes) await admin.query(s);
    await admin.query(`ANALYZE TABLE parent, child`);
    await admin.end();
    const url = Object.assign(new URL(MYSQL_ROOT_URL), { pathname: `/${NAME}` }).toString();
    return {
      target: { dialect: d, url },
      schema: NAME,
      drop: async () => {
        const c = await mysql.createConnection({ uri: MYSQL_ROOT_URL });
        await c.query(`DROP DATABASE ${NAME}`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), `${NAME}-`));
  const file = path.join(dir, "chunks.db");
  const db = new Database(file);
  // INTEGER PRIMARY KEY: the rowid, as a SQLite table's key usually is
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE child (id INTEGER PRIMARY KEY, follow_id INTEGER NULL, scatter_id INTEGER NULL);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${PARENTS}) INSERT INTO parent SELECT i, 'parent ' || i FROM s;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${ROWS}) INSERT INTO child SELECT i, ${followSql("i")}, ${scatterSql("i")} FROM s;
${indexes.join(";\n")};
ANALYZE;`);
  db.close();
  return { target: { dialect: d, url: `file:${file}` }, schema: "main", drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<number> {
  console.log(
    `bench:chunks — ${ROWS.toLocaleString("en")} child rows, ${PARENTS.toLocaleString("en")} parents, ${RANGES} ranges, medians of ${RUNS}; ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const rows: string[][] = [["dialect", "keys", "one statement", "primary key ranges", "reference ranges"]];
  let mismatches = 0;
  for (const d of DIALECTS) {
    const place = await build(d);
    let pool: TargetPool | undefined;
    try {
      const config = validateConfig(
        {
          targets: { db: { dialect: place.target.dialect, url: "${BENCH_CHUNKS_URL}" } },
          relations: LAYOUTS.map((column) => ({
            name: column,
            child: { target: "db", schema: place.schema, table: "child", columns: [column] },
            parent: { target: "db", schema: place.schema, table: "parent", columns: ["id"] },
          })),
        },
        "bench.yaml",
        { BENCH_CHUNKS_URL: place.target.url },
      );
      const open = (pool = new TargetPool(config.targets));
      const relations = (await resolveRelations(config, open)).relations;
      const child = await open.get("db");
      // the primary key's boundaries, as planRanges cut it before the reference was cut
      const boundaries: unknown[][] = [];
      for (let after: unknown[] | null = null; ;) {
        const key = await child.keyAtOffset({ schema: place.schema, table: "child", columns: ["id"] }, after, null, CHUNK_ROWS - 1);
        if (!key) break;
        boundaries.push(key);
        after = key;
      }
      if (boundaries.length >= RANGES) boundaries.pop();
      const byPrimaryKey = rangesBetween({ columns: ["id"] }, boundaries);
      for (const column of LAYOUTS) {
        const relation = relations.find((r) => r.name === column)!;
        const byReference = (await planRanges(relation, open, CHUNK_ROWS))!;
        if (byReference[0].columns[0] !== column) throw new Error(`${d} ${column}: planned along ${byReference[0].columns.join(", ")}, not the reference`);
        const count = async (ranges: (KeyRange | undefined)[]) => {
          let ms = 0;
          let orphans = 0;
          let childRows = 0;
          for (const range of ranges) {
            const r = await scanRelation(relation, open, new Date(), range ? { range } : {});
            if (r.error) throw new Error(`${d} ${column}: ${r.error}`);
            ms += r.durationMs;
            orphans += r.orphans!;
            childRows += r.childRows!;
          }
          return { ms, key: `${orphans}/${childRows}` };
        };
        const times = { one: [] as number[], pk: [] as number[], ref: [] as number[] };
        for (let run = 0; run < RUNS; run++) {
          const one = await count([undefined]);
          const pk = await count(byPrimaryKey);
          const ref = await count(byReference);
          if (pk.key !== one.key || ref.key !== one.key) {
            mismatches++;
            console.log(`MISMATCH ${d} ${column}: one statement ${one.key}, primary key ranges ${pk.key}, reference ranges ${ref.key} (orphans/child rows)`);
          }
          times.one.push(one.ms);
          times.pk.push(pk.ms);
          times.ref.push(ref.ms);
        }
        const one = median(times.one);
        const ratio = (xs: number[]) => `${secs(median(xs))} (${(median(xs) / one).toFixed(2)}×)`;
        rows.push([d, column === "follow_id" ? "follow the rows" : "scattered", secs(one), ratio(times.pk), ratio(times.ref)]);
        console.log(rows.at(-1)!.join(" | "), `| load ${loadavg()[0].toFixed(2)}`);
      }
    } finally {
      await pool?.close();
      await place.drop();
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\n${rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n")}\n`);
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (${cpus().length} cores)`,
  );
  return mismatches ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
