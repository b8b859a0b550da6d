import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client";
import { acquirePGlite } from "../pglite/shared";
import { applyMigrations, type SqlRunner } from "./migrate";
import { checkpointIfDue } from "./wal";
import { embeddedStoreDir } from "./paths";
import { grantRuntime, roleOf } from "./roles";

/** How often a long-lived embedded store checks whether its WAL is due a checkpoint. */
const CHECKPOINT_CHECK_MS = 60_000;

/**
 * Custodian's own state. Embedded default: PGlite in the data folder. With
 * DATABASE_URL=postgres://… a real PostgreSQL (required to run several workers).
 * Opening applies pending migrations.
 */
export interface Store {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** Where it lives, without credentials. */
  location: string;
  /** The embedded store's PGlite (the job queue shares its one connection). */
  pglite?: PGlite;
  /** The PostgreSQL store's URL, for the job queue's own pool. Holds credentials: never log it. */
  connectionString?: string;
  /** The environment it was opened with (the evidence key is found through it). */
  env?: Record<string, string | undefined>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  env?: Record<string, string | undefined>;
  /** Shown to another process that finds the embedded store busy. */
  purpose?: string;
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const env = opts.env ?? process.env;
  const url = env.DATABASE_URL;
  const store = url
    ? await openPostgresStore(url, env.CUSTODIAN_MIGRATION_DATABASE_URL || undefined)
    : await openEmbeddedStore(embeddedStoreDir(env), opts.purpose ?? `custodian ${process.argv.slice(2).join(" ")}`.trim());
  return Object.assign(store, { env });
}

async function openEmbeddedStore(dir: string, purpose: string): Promise<Store> {
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

/**
 * With CUSTODIAN_MIGRATION_DATABASE_URL (the owner role) migrations run as the owner, who
 * then grants the DATABASE_URL role what it needs (lib/store/roles.ts); the store is used
 * as that runtime role only. Without it, one role does both.
 */
async function openPostgresStore(url: string, migrationUrl?: string): Promise<Store> {
  const client = new pg.Client({ connectionString: migrationUrl ?? url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const runner: SqlRunner = {
      exec: async (sql) => void (await client.query(sql)),
      query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    };
    await applyMigrations(runner);
    if (migrationUrl) {
      const runtime = await roleOf(url);
      const owner = (await client.query<{ u: string }>(`SELECT current_user AS u`)).rows[0].u;
      if (runtime !== owner) await grantRuntime(client, runtime);
    }
  } finally {
    await client.end();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  return {
    prisma,
    kind: "postgres",
    location: redactUrl(url),
    connectionString: url,
    async close() {
      await prisma.$disconnect();
    },
  };
}

/** postgres://user:secret@host/db → postgres://user@host/db */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
