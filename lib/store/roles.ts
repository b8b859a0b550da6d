import pg from "pg";
import { z } from "zod";
import { UserError } from "../errors/user-error";
import { logFailure } from "../errors/logged";

/**
 * The two-role PostgreSQL store. The owner role (CUSTODIAN_MIGRATION_DATABASE_URL) owns the
 * tables and runs migrations; the runtime role (DATABASE_URL: web server, workers, CLI) gets
 * only what it needs: read and write on Custodian's working tables, but on the audit trail
 * the evidence and the evidence key's fingerprint only SELECT and INSERT. Not owning the tables, it cannot DISABLE their
 * append-only triggers; not a superuser, it cannot SET session_replication_role = replica
 * (which would silence every trigger). So it cannot remove or change an audit row or a
 * record of evidence, whatever SQL it sends.
 */
export const APPEND_ONLY_TABLES = ["audit_events", "erasure_evidence", "evidence_signing_key"] as const;

/** A PostgreSQL role name as a person types it (quoted when used, never spliced raw). */
export const roleNameSchema = z
  .string()
  .min(1, "the role name is empty")
  .max(63, "a PostgreSQL role name has at most 63 characters")
  .regex(/^[A-Za-z_][A-Za-z0-9_$-]*$/, "a role name is letters, digits, _ , $ or -, starting with a letter or _");

export class RoleSetupError extends UserError {
  constructor(message: string) {
    super("usage", message);
  }
}

type Client = Pick<pg.Client, "query">;

/**
 * Why this role must not be the runtime role, or null when it may be. Asked as the owner,
 * connected to the store's database with the store's schema current. Membership is asked
 * with 'MEMBER', not 'USAGE': a NOINHERIT member has none of the owner's rights until it
 * says SET ROLE, which it may.
 */
export async function runtimeRoleProblem(owner: Client, role: string): Promise<string | null> {
  const found = (
    await owner.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean }>(
      `SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = $1`,
      [role],
    )
  ).rows[0];
  if (!found) return `role "${role}" does not exist (create it first: CREATE ROLE … LOGIN PASSWORD …)`;
  if (found.rolsuper) return `role "${role}" is a superuser: it could disable the append-only triggers`;
  // CREATEROLE may grant itself membership in roles (the owner's, on PostgreSQL before 16)
  if (found.rolcreaterole) return `role "${role}" may create roles (CREATEROLE): it could make itself a member of the tables' owner`;
  if (found.rolbypassrls) return `role "${role}" bypasses row-level security (BYPASSRLS): the runtime role needs no such power`;
  for (const table of APPEND_ONLY_TABLES) {
    const r = (
      await owner.query<{ owns: boolean }>(`SELECT pg_has_role($1, c.relowner, 'MEMBER') AS owns FROM pg_class c WHERE c.oid = to_regclass($2)`, [role, table])
    ).rows[0];
    if (r?.owns) return `role "${role}" owns ${table} (or is a member of its owner): it could disable its append-only triggers`;
  }
  // A schema's owner may drop any table in it, owned or not; on PostgreSQL 15+ public belongs
  // to pg_database_owner, of which the database's owner is a member.
  const schema = (
    await owner.query<{ name: string; owns: boolean }>(
      `SELECT n.nspname AS name, pg_has_role($1, n.nspowner, 'MEMBER') AS owns FROM pg_namespace n WHERE n.nspname = current_schema()`,
      [role],
    )
  ).rows[0];
  if (schema?.owns) return `role "${role}" owns the schema "${schema.name}" (or is a member of its owner): it could drop the append-only tables`;
  const db = (
    await owner.query<{ name: string; owns: boolean }>(
      `SELECT d.datname AS name, pg_has_role($1, d.datdba, 'MEMBER') AS owns FROM pg_database d WHERE d.datname = current_database()`,
      [role],
    )
  ).rows[0];
  if (db?.owns) return `role "${role}" owns the database "${db.name}" (or is a member of its owner): it could drop the store`;
  return null;
}

/**
 * Grants the runtime role what Custodian needs, and no more on the append-only tables. Run
 * as the owner after every migration (openStore does, when both URLs are set), so tables a
 * new migration adds are granted too. Idempotent.
 */
export async function grantRuntime(owner: pg.Client, role: string): Promise<void> {
  const name = roleNameSchema.parse(role);
  const problem = await runtimeRoleProblem(owner, name);
  if (problem) throw new RoleSetupError(problem);
  const r = owner.escapeIdentifier(name);
  const schema = owner.escapeIdentifier((await owner.query<{ s: string }>(`SELECT current_schema() AS s`)).rows[0].s);
  const appendOnly = APPEND_ONLY_TABLES.map((t) => owner.escapeIdentifier(t)).join(", ");
  await owner.query("BEGIN");
  try {
    await owner.query(`GRANT USAGE ON SCHEMA ${schema} TO ${r}`);
    await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${r}`);
    await owner.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ${appendOnly} FROM ${r}`);
    await owner.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "_prisma_migrations" FROM ${r}`);
    await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${r}`);
    // pg-boss keeps its queue in a schema of its own, which it creates and owns: the runtime
    // role may create schemas (that gives it nothing over the tables above).
    const boss = (
      await owner.query<{ theirs: boolean }>(`SELECT pg_has_role($1, nspowner, 'USAGE') AS theirs FROM pg_namespace WHERE nspname = 'pgboss'`, [name])
    ).rows[0];
    if (boss?.theirs) {
      // created by the runtime role's own pg-boss: nothing to grant
    } else if (!boss) {
      const db = owner.escapeIdentifier((await owner.query<{ d: string }>(`SELECT current_database() AS d`)).rows[0].d);
      await owner.query(`GRANT CREATE ON DATABASE ${db} TO ${r}`);
    } else {
      await owner.query(`GRANT USAGE, CREATE ON SCHEMA "pgboss" TO ${r}`);
      await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "pgboss" TO ${r}`);
      await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "pgboss" TO ${r}`);
    }
    await owner.query("COMMIT");
  } catch (err) {
    await owner.query("ROLLBACK").catch(logFailure("store", "rolling back the role setup"));
    throw err;
  }
}

/** The role a URL signs in as (its user name, else whatever the server says). */
export async function roleOf(url: string): Promise<string> {
  const user = decodeURIComponent(new URL(url).username);
  if (user) return user;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return (await c.query<{ u: string }>(`SELECT current_user AS u`)).rows[0].u;
  } finally {
    await c.end();
  }
}
