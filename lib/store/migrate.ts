import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { logFailure } from "../errors/logged";

/**
 * Applies prisma/migrations in order and records them in `_prisma_migrations` exactly
 * as `prisma migrate deploy` does (same table, same checksum), so a machine with
 * Prisma's native engine can take over the same database. Works on PGlite and on a
 * real PostgreSQL; concurrent starts serialise on Prisma's own advisory lock key.
 */
export interface SqlRunner {
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

// Beside this file when run from source (CLI, tests); from the project root when bundled by Next.
const besideSource = path.resolve(import.meta.dirname ?? ".", "../../prisma/migrations");
export const MIGRATIONS_DIR = existsSync(besideSource) ? besideSource : path.join(/* turbopackIgnore: true */ process.cwd(), "prisma/migrations");
const PRISMA_ADVISORY_LOCK = 72707369;

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: sha256(sql) };
    });
}

export class MigrationError extends Error {}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** As Prisma does, a checkout with other line endings is the same migration. */
function sameMigration(recorded: string, sql: string): boolean {
  const lf = sql.replace(/\r\n/g, "\n");
  return [sql, lf, lf.replace(/\n/g, "\r\n")].some((v) => sha256(v) === recorded);
}

export async function applyMigrations(db: SqlRunner, migrations = readMigrations()): Promise<string[]> {
  await db.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK})`);
  try {
    // Checked first: a runtime role without CREATE on the schema may not even run CREATE … IF NOT EXISTS.
    const [{ present }] = await db.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    if (!present)
      await db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const done = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const byName = new Map(done.map((r) => [r.migration_name, r]));
    const applied: string[] = [];
    for (const m of migrations) {
      const prior = byName.get(m.name);
      if (prior?.finished_at) {
        if (!sameMigration(prior.checksum, m.sql)) {
          throw new MigrationError(`migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`);
        }
        continue;
      }
      if (prior) {
        throw new MigrationError(`migration ${m.name} failed earlier and is marked unfinished in _prisma_migrations; fix the store by hand, then resolve it`);
      }
      const id = randomUUID();
      await db.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`, [
        id,
        m.checksum,
        m.name,
      ]);
      try {
        await db.exec(`BEGIN;\n${m.sql}\nCOMMIT;`);
      } catch (err) {
        await db.exec("ROLLBACK").catch(logFailure("store", `rolling back migration ${m.name}`));
        await db.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, String(err)]);
        throw new MigrationError(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      await db.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
      applied.push(m.name);
    }
    return applied;
  } finally {
    await db.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK})`);
  }
}
