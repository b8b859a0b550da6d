import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client";
import { acquirePGlite } from "../pglite/shared";
import { applyMigrations, type SqlRunner } from "./migrate";
import { embeddedStoreDir } from "./paths";

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
  if (url) return openPostgresStore(url);
  return openEmbeddedStore(embeddedStoreDir(env), opts.purpose ?? `custodian ${process.argv.slice(2).join(" ")}`.trim());
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
    return {
      prisma,
      kind: "pglite",
      location: dir,
      pglite: db,
      async close() {
        await prisma.$disconnect();
        await handle.release();
      },
    };
  } catch (err) {
    await handle.release();
    throw err;
  }
}

async function openPostgresStore(url: string): Promise<Store> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const runner: SqlRunner = {
      exec: async (sql) => void (await client.query(sql)),
      query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    };
    await applyMigrations(runner);
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
