import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import { createFixture, FIXTURE_EXPECTED, type Fixture } from "../../test/fixtures";
import { hasMysql, hasPostgres, POSTGRES_URL, postgresAdmin } from "../../test/services";
import { mapMysqlError } from "../targets/mysql/errors";
import { mapPostgresError } from "../targets/postgres/errors";
import { mapSqliteError } from "../targets/sqlite/errors";
import { sweep } from "./sweep";

describe("a failing target fails only its own relations", () => {
  let good: Fixture;
  beforeAll(async () => {
    good = await createFixture("sqlite");
  });
  afterAll(async () => {
    await good?.drop();
  });

  const relationsTo = (target: string) => [
    { name: `${target}_posts`, child: { target, table: "posts", columns: ["user_id"] }, parent: { target: "good", table: "users", columns: ["id"] } },
  ];

  it("reports unreachable servers and missing files per relation, scans the rest, never 0", async () => {
    const config = validateConfig(
      {
        targets: {
          good: { dialect: "sqlite", url: good.url },
          gone_pg: { dialect: "postgres", url: "${GONE_PG}" },
          gone_my: { dialect: "mysql", url: "${GONE_MY}" },
          gone_file: { dialect: "sqlite", url: "file:/nonexistent/custodian/none.db" },
          gone_pglite: { dialect: "pglite", url: "file:/nonexistent/custodian/pglite" },
        },
        relations: [
          { name: "good_posts", child: { target: "good", table: "posts", columns: ["user_id"] }, parent: { target: "good", table: "users", columns: ["id"] } },
          ...relationsTo("gone_pg"),
          ...relationsTo("gone_my"),
          ...relationsTo("gone_file"),
          ...relationsTo("gone_pglite"),
        ],
      },
      "test.yaml",
      // port 1 on this machine: nothing listens there
      { GONE_PG: "postgres://postgres@127.0.0.1:1/test", GONE_MY: "mysql://root@127.0.0.1:1/test" },
    );
    const { results, failures } = await sweep(config);
    expect(results.find((r) => r.relation.name === "good_posts")?.orphans).toBe(FIXTURE_EXPECTED.postsUserId);
    for (const target of ["gone_pg", "gone_my", "gone_file", "gone_pglite"]) {
      const r = results.find((x) => x.relation.name === `${target}_posts`)!;
      expect(r.orphans, target).toBeNull();
      expect(r.childRows, target).toBeNull();
      expect(r.errorKind, target).toBe("unreachable");
      expect(r.error, target).toContain(target);
    }
    expect(failures.map((f) => f.target).sort()).toEqual(["gone_file", "gone_my", "gone_pg", "gone_pglite"]);
    // credentials in a URL never reach an error message
    expect(JSON.stringify(results)).not.toMatch(/postgres:\/\/postgres@/);
  });

  it("reports previously seen declared relations of an unreadable target as failed, not missing", async () => {
    const config = validateConfig({ targets: { shop: { dialect: "sqlite", url: "file:/nonexistent/shop.db" } } }, "test.yaml", {});
    const known = [
      {
        name: "shop.orders.user_id",
        origin: "declared" as const,
        child: { target: "shop", schema: "main", table: "orders", columns: ["user_id"] },
        parent: { target: "shop", schema: "main", table: "users", columns: ["id"] },
      },
    ];
    const { results } = await sweep(config, { known });
    expect(results).toHaveLength(1);
    expect(results[0].relation.name).toBe("shop.orders.user_id");
    expect(results[0].orphans).toBeNull();
    expect(results[0].errorKind).toBe("unreachable");
  });
});

describe.runIf(hasPostgres)("permission denied on PostgreSQL", () => {
  let fx: Fixture;
  const role = `cust_ro_${randomBytes(3).toString("hex")}`;
  const admin = postgresAdmin;
  beforeAll(async () => {
    fx = await createFixture("postgres");
    await admin(`CREATE ROLE ${role} LOGIN`);
  });
  afterAll(async () => {
    await fx?.drop();
    await admin(`DROP ROLE IF EXISTS ${role}`);
  });

  it("is reported as permission_denied for that relation", async () => {
    const url = new URL(POSTGRES_URL);
    url.username = role;
    const config = validateConfig(
      {
        targets: { ro: { dialect: "postgres", url: "${RO_URL}" } },
        relations: [
          {
            name: "ro_posts",
            child: { target: "ro", schema: fx.schema, table: "posts", columns: ["user_id"] },
            parent: { target: "ro", schema: fx.schema, table: "users", columns: ["id"] },
          },
        ],
      },
      "test.yaml",
      { RO_URL: url.toString() },
    );
    // The catalog is readable, the tables are not.
    const { results } = await sweep(config, { only: ["ro_posts"] });
    expect(results[0].orphans).toBeNull();
    expect(results[0].errorKind).toBe("permission_denied");
    expect(results[0].error).toMatch(/permission denied/);
  });
});

describe.runIf(hasMysql)("MariaDB with a wrong database name", () => {
  it("is reported as unknown_database", async () => {
    const config = validateConfig(
      {
        targets: { my: { dialect: "mysql", url: "${MY}" } },
        relations: [{ name: "r", child: { target: "my", table: "a", columns: ["b"] }, parent: { target: "my", table: "c", columns: ["d"] } }],
      },
      "test.yaml",
      { MY: "mysql://root@127.0.0.1:3306/custodian_no_such_db" },
    );
    const { results } = await sweep(config);
    expect(results[0].errorKind).toBe("unknown_database");
  });
});

describe("driver errors map to one vocabulary", () => {
  it.each([
    [mapPostgresError("t", { code: "57014", message: "canceling statement due to statement timeout" }), "timeout"],
    [mapPostgresError("t", { code: "42P01", message: 'relation "x" does not exist' }), "unknown_table"],
    [mapPostgresError("t", { code: "ECONNREFUSED", message: "connect ECONNREFUSED" }), "unreachable"],
    [mapPostgresError("t", { code: "28P01", message: "password authentication failed" }), "auth_failed"],
    [mapMysqlError("t", { code: "ER_STATEMENT_TIMEOUT", message: "Query execution was interrupted (max_statement_time exceeded)" }), "timeout"],
    [mapMysqlError("t", { code: "ER_TABLEACCESS_DENIED_ERROR", message: "SELECT command denied" }), "permission_denied"],
    [mapMysqlError("t", { code: "ER_NO_SUCH_TABLE", message: "Table 'x.y' doesn't exist" }), "unknown_table"],
    [mapSqliteError("t", { code: "SQLITE_BUSY", message: "database is locked" }), "locked"],
    [mapSqliteError("t", { code: "SQLITE_ERROR", message: "no such column: x" }), "unknown_column"],
  ])("case %# maps to %1$s", (err, kind) => {
    expect(err.kind).toBe(kind);
  });
});
