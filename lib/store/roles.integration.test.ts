import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, POSTGRES_URL, postgresAdmin } from "../../test/services";
import { newEvidenceKey } from "../../test/stores";
import { verifyAuditChain } from "../audit/chain";
import { recordAudit } from "../audit/record";
import { createAuth } from "../auth/auth";
import { createPasswordUser } from "../auth/users";
import { recordEvidence, verifyChain } from "../erasure/evidence";
import type { Verification } from "../erasure/verify";
import { startQueue } from "../jobs/queue";
import { openStore, type Store } from "./client";
import { runtimeRoleProblem } from "./roles";

const bin = path.resolve(import.meta.dirname, "../../bin/custodian.mjs");
const BASE = "http://localhost:3998";

const verification: Verification = {
  subject: { name: "customer", target: "shop", schema: "public", table: "users", keyColumns: ["id"], key: ["7"] },
  verdict: "complete",
  tables: [],
  residualRows: 0,
  failures: [],
  cycles: [],
};

/**
 * The two-role store on the real PostgreSQL: an owner role migrates, a runtime role runs.
 * The runtime role works normally but cannot remove or change an audit event or a record
 * of evidence by any means a role's SQL offers.
 */
describe.runIf(hasPostgres)("the two-role PostgreSQL store", () => {
  const suffix = randomBytes(4).toString("hex");
  const owner = `custodian_owner_${suffix}`;
  const runtime = `custodian_runtime_${suffix}`;
  const database = `custodian_test_roles_${suffix}`;
  const urlAs = (role: string) => {
    const u = new URL(POSTGRES_URL);
    u.username = role;
    u.password = "";
    u.pathname = `/${database}`;
    return u.toString();
  };
  let dir: string;
  let env: Record<string, string>;
  let store: Store;
  let runtimeSql: pg.Client;

  beforeAll(async () => {
    await postgresAdmin(`CREATE ROLE ${owner} LOGIN; CREATE ROLE ${runtime} LOGIN`);
    await postgresAdmin(`CREATE DATABASE ${database} OWNER ${owner}`);
    dir = mkdtempSync(path.join(tmpdir(), "custodian-roles-"));
    env = { DATABASE_URL: urlAs(runtime), CUSTODIAN_MIGRATION_DATABASE_URL: urlAs(owner), CUSTODIAN_DATA_DIR: dir, CUSTODIAN_EVIDENCE_KEY: newEvidenceKey() };
    store = await openStore({ env });
    runtimeSql = new pg.Client({ connectionString: urlAs(runtime) });
    await runtimeSql.connect();
  });
  afterAll(async () => {
    await runtimeSql?.end().catch(() => {});
    await store?.close();
    await postgresAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await postgresAdmin(`DROP ROLE IF EXISTS ${runtime}; DROP ROLE IF EXISTS ${owner}`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the owner owns the tables; the runtime role signs in, audits, files evidence and runs the job queue", async () => {
    const owners = await runtimeSql.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE tablename IN ('audit_events', 'erasure_evidence', 'user')`);
    expect(owners.rows).toEqual([{ tableowner: owner }]);
    expect((await runtimeSql.query(`SELECT current_user AS u`)).rows[0].u).toBe(runtime);

    const auth = createAuth(store, { ...env, CUSTODIAN_URL: BASE });
    await createPasswordUser(auth, store, { email: "dpo@example.com", name: "DPO", password: "correct horse battery staple", roles: ["dpo"] });
    const signIn = await auth.handler(
      new Request(`${BASE}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE, "x-forwarded-for": "203.0.113.5" },
        body: JSON.stringify({ email: "dpo@example.com", password: "correct horse battery staple" }),
      }),
    );
    expect(signIn.status).toBe(200);
    await recordAudit(store, { actorId: "system", actorRoles: [], action: "test.event", result: "ok", requestId: "r1" });
    await recordEvidence(store, verification, { requestId: null, verifiedBy: "system", configHash: "c" });
    await recordEvidence(store, verification, { requestId: null, verifiedBy: "system", configHash: "c" });
    const boss = await startQueue(store);
    await boss.stop({ graceful: false });

    expect(await verifyAuditChain(store)).toMatchObject({ ok: true });
    expect(await verifyChain(store)).toMatchObject({ ok: true, records: 2 });
  });

  it("the runtime role cannot delete, change or truncate audit events or evidence, nor silence their triggers", async () => {
    const auditBefore = (await runtimeSql.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n;
    expect(auditBefore).toBeGreaterThan(0);
    const refused: [string, RegExp][] = [
      [`DELETE FROM audit_events`, /permission denied/],
      [`UPDATE audit_events SET result = 'ok'`, /permission denied/],
      [`TRUNCATE audit_events`, /permission denied/],
      [`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`, /must be owner/],
      [`ALTER TABLE audit_events DISABLE TRIGGER ALL`, /must be owner/],
      [`DROP TRIGGER audit_events_chain ON audit_events`, /must be owner/],
      [
        `CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
        /must be owner|permission denied/,
      ],
      [`SET session_replication_role = replica`, /permission denied/],
      [`DELETE FROM erasure_evidence`, /permission denied/],
      [`UPDATE erasure_evidence SET verdict = 'complete'`, /permission denied/],
      [`ALTER TABLE erasure_evidence DISABLE TRIGGER erasure_evidence_no_update_delete`, /must be owner/],
      [`DROP TABLE audit_events`, /must be owner/],
      [`DELETE FROM evidence_signing_key`, /permission denied/],
      [`UPDATE evidence_signing_key SET fingerprint = 'x'`, /permission denied/],
      [`INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'x', 'x')`, /permission denied/],
    ];
    for (const [sql, why] of refused) await expect(runtimeSql.query(sql), sql).rejects.toThrow(why);
    expect((await runtimeSql.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(auditBefore);
    expect((await runtimeSql.query(`SELECT current_setting('session_replication_role') AS r`)).rows[0].r).toBe("origin");
    // the trigger functions resolve names through a fixed search_path, not the caller's
    const paths = await runtimeSql.query<{ f: string; config: string[] | null }>(
      `SELECT proname AS f, proconfig AS config FROM pg_proc WHERE proname IN ('audit_events_append_only', 'erasure_evidence_append_only', 'audit_event_field', 'audit_event_hash', 'audit_events_chain', 'evidence_signing_key_append_only') ORDER BY 1`,
    );
    expect(paths.rows).toHaveLength(6);
    for (const p of paths.rows) expect(p.config, p.f).toEqual(["search_path=pg_catalog, public"]);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, records: auditBefore });
  });

  it("a runtime process without the owner's URL opens the migrated store as it is", async () => {
    const plain = await openStore({ env: { DATABASE_URL: urlAs(runtime), CUSTODIAN_DATA_DIR: dir } });
    try {
      await recordAudit(plain, { actorId: "system", actorRoles: [], action: "test.plain", result: "ok", requestId: "r2" });
    } finally {
      await plain.close();
    }
  });

  it("refuses a runtime role that could become the owner, owns the schema or the database, or creates roles or bypasses row security", async () => {
    const tag = randomBytes(4).toString("hex");
    const made = {
      noinherit: `custodian_noinherit_${tag}`,
      schemaOwner: `custodian_schemaowner_${tag}`,
      dbOwner: `custodian_dbowner_${tag}`,
      createrole: `custodian_createrole_${tag}`,
      bypassrls: `custodian_bypassrls_${tag}`,
      plain: `custodian_plain_${tag}`,
    };
    await postgresAdmin(
      `CREATE ROLE ${made.noinherit} LOGIN NOINHERIT; GRANT ${owner} TO ${made.noinherit};
       CREATE ROLE ${made.schemaOwner} LOGIN; CREATE ROLE ${made.dbOwner} LOGIN;
       CREATE ROLE ${made.createrole} LOGIN CREATEROLE; CREATE ROLE ${made.bypassrls} LOGIN BYPASSRLS; CREATE ROLE ${made.plain} LOGIN`,
    );
    const asOwner = new pg.Client({ connectionString: urlAs(owner) });
    await asOwner.connect();
    const admin = new pg.Client({ connectionString: urlAs(new URL(POSTGRES_URL).username || "postgres") });
    await admin.connect();
    try {
      // a NOINHERIT member has none of the owner's rights until it says SET ROLE, which it may
      expect(await runtimeRoleProblem(asOwner, made.noinherit)).toMatch(/owns audit_events \(or is a member of its owner\)/);
      expect(await runtimeRoleProblem(asOwner, made.createrole)).toMatch(/may create roles/);
      expect(await runtimeRoleProblem(asOwner, made.bypassrls)).toMatch(/bypasses row-level security/);
      expect(await runtimeRoleProblem(asOwner, made.plain)).toBeNull();
      // the schema's owner may drop tables it does not own (PostgreSQL's rule)
      await admin.query(`ALTER SCHEMA public OWNER TO ${made.schemaOwner}`);
      try {
        expect(await runtimeRoleProblem(asOwner, made.schemaOwner)).toMatch(/owns the schema "public"/);
      } finally {
        await admin.query(`ALTER SCHEMA public OWNER TO pg_database_owner`);
      }
      // on PostgreSQL 15+ the database's owner owns public through pg_database_owner; named either way
      await admin.query(`ALTER DATABASE ${database} OWNER TO ${made.dbOwner}`);
      try {
        expect(await runtimeRoleProblem(asOwner, made.dbOwner)).toMatch(/owns the (schema "public"|database)/);
        await admin.query(`ALTER SCHEMA public OWNER TO ${owner}`);
        expect(await runtimeRoleProblem(asOwner, made.dbOwner)).toMatch(/owns the database/);
      } finally {
        await admin.query(`ALTER DATABASE ${database} OWNER TO ${owner}`);
        await admin.query(`ALTER SCHEMA public OWNER TO pg_database_owner`);
      }
    } finally {
      await admin.end();
      await asOwner.end();
      for (const role of Object.values(made)) await postgresAdmin(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it("custodian store grant-runtime refuses a role that could disable the triggers, and grants a proper one", () => {
    const run = (role: string) =>
      spawnSync(process.execPath, [bin, "store", "grant-runtime", "--role", role, "--json"], {
        encoding: "utf8",
        env: { ...process.env, ...env, CUSTODIAN_CONFIG: "" },
      });
    const superuser = run(new URL(POSTGRES_URL).username || "postgres");
    expect(superuser.status).toBe(2);
    expect(JSON.parse(superuser.stdout).error).toMatch(/superuser/);
    const theOwner = run(owner);
    expect(theOwner.status).toBe(2);
    expect(JSON.parse(theOwner.stdout).error).toMatch(/owns audit_events/);
    expect(run("bad role;").status).toBe(2);
    const ok = run(runtime);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ role: runtime, migrationsApplied: [] });
  });
});
