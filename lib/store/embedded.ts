import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client";
import { acquirePGlite } from "../pglite/shared";
import { applyMigrations } from "./migrate";
import type { Store } from "./store";
import { checkpointIfDue } from "./wal";

/** How often a long-lived embedded store checks whether its WAL is due a checkpoint. */
const CHECKPOINT_CHECK_MS = 60_000;

/** The embedded store: PGlite in `dir`, created when missing, its pending migrations applied. */
export async function openEmbeddedStore(dir: string, purpose: string): Promise<Store> {
  const handle = await acquirePGlite(dir, { create: true, purpose });
  try {
    const db = handle.db;
    await applyMigrations({
      exec: async (sql) => void (await db.exec(sql)),
      query: async (sql, params) => (await db.query<any>(sql, params)).rows,
    });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
    // A process that keeps the store open (the web server, a worker) checkpoints it now and
    // then: PGlite takes none by itself, and the one PostgreSQL would request deadlocks (wal.ts).
    // PGlite runs one statement at a time, so the CHECKPOINT always falls between statements.
    const checkpoints = setInterval(() => void checkpointIfDue(db).catch(() => {}), CHECKPOINT_CHECK_MS);
    checkpoints.unref();
    return {
      prisma,
      kind: "pglite",
      location: dir,
      pglite: db,
      async close() {
        clearInterval(checkpoints);
        await prisma.$disconnect();
        await handle.release();
      },
    };
  } catch (err) {
    await handle.release();
    throw err;
  }
}
