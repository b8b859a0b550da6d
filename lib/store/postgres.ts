import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../../generated/prisma/client";
import { applyMigrations, type SqlRunner } from "./migrate";
import { redactUrl } from "./redact";
import { grantRuntime, roleOf } from "./roles";
import type { Store } from "./store";

/**
 * A PostgreSQL store, its pending migrations applied. With CUSTODIAN_MIGRATION_DATABASE_URL
 * (the owner role) migrations run as the owner, who then grants the DATABASE_URL role what it
 * needs (lib/store/roles.ts); the store is used as that runtime role only. Without it, one
 * role does both.
 */
export async function openPostgresStore(url: string, migrationUrl?: string): Promise<Store> {
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
