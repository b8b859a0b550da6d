import pg from "pg";
import { applyMigrations } from "../../store/migrate";
import { grantRuntime, roleNameSchema } from "../../store/roles";
import { EXIT, type Output } from "../io";
import { env } from "../../env";
import { usageError } from "../../errors/user-error";

/**
 * `custodian store grant-runtime --role NAME`: as the owner role (CUSTODIAN_MIGRATION_DATABASE_URL,
 * else DATABASE_URL), applies the migrations, then grants NAME what the web server and workers
 * need, and on the audit trail and the evidence only SELECT and INSERT (lib/store/roles.ts).
 */
export async function storeCommand(out: Output, sub: string | undefined, role: string | undefined): Promise<number> {
  if (sub !== "grant-runtime") throw usageError(`expected "custodian store grant-runtime --role NAME"${sub ? `, not "${sub}"` : ""}`);
  const parsed = roleNameSchema.safeParse(role ?? "");
  if (!role || !parsed.success) throw usageError(`--role: ${role ? parsed.error!.issues[0].message : "the runtime role's name is required"}`);
  const url = env().CUSTODIAN_MIGRATION_DATABASE_URL ?? env().DATABASE_URL;
  if (!url) throw usageError("the store must be PostgreSQL: set CUSTODIAN_MIGRATION_DATABASE_URL (the owner role) or DATABASE_URL");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const applied = await applyMigrations({
      exec: async (sql) => void (await client.query(sql)),
      query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    });
    await grantRuntime(client, parsed.data);
    out.result(
      { role: parsed.data, migrationsApplied: applied },
      () =>
        `${applied.length ? `Applied ${applied.length} migrations. ` : ""}Granted role "${parsed.data}" the runtime rights: SELECT and INSERT only on audit_events and erasure_evidence.`,
    );
    return EXIT.ok;
  } finally {
    await client.end();
  }
}
