import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import type { Dialect } from "../config/types";
import { TargetPool } from "../targets/pool";
import { createFixture, FIXTURE_EXPECTED, WEIRD_COLUMN, WEIRD_TABLE, type Fixture } from "../../test/fixtures";
import { hasMysql, hasPostgres } from "../../test/services";
import { countOrphansAcross } from "./cross-target";
import { sweep, UnknownRelationError } from "./sweep";

const dialects: Dialect[] = ["pglite", "sqlite", ...(hasPostgres ? (["postgres"] as const) : []), ...(hasMysql ? (["mysql"] as const) : [])];

function targetEntry(name: string, fx: Fixture) {
  const server = fx.dialect === "postgres" || fx.dialect === "mysql";
  return { [name]: { dialect: fx.dialect, url: server ? `\${${name.toUpperCase()}_URL}` : fx.url } };
}
function envFor(entries: [string, Fixture][]) {
  return Object.fromEntries(entries.map(([n, fx]) => [`${n.toUpperCase()}_URL`, fx.url]));
}
const at = (target: string, fx: Fixture, table: string, columns: string[]) => ({ target, ...(fx.schema ? { schema: fx.schema } : {}), table, columns });

describe.each(dialects)("detection inside one %s target", (dialect) => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture(dialect);
  });
  afterAll(async () => {
    await fx?.drop();
  });

  const config = (withSoftDeleteRelation = true) => {
    const users = at("db", fx, "users", ["id"]);
    const postsLive = {
      name: "posts_live",
      child: at("db", fx, "posts", ["user_id"]),
      parent: users,
      parentSoftDelete: { column: "deleted_at", graceDays: 30 },
    };
    const relations = [
      ...(withSoftDeleteRelation ? [postsLive] : []),
      { name: "weird", child: at("db", fx, WEIRD_TABLE, [WEIRD_COLUMN]), parent: users },
      { name: "taggings", child: at("db", fx, "taggings", ["tag_name"]), parent: at("db", fx, "tags", ["name"]) },
      { name: "non_unique", child: at("db", fx, "posts", ["user_id"]), parent: at("db", fx, "grants", ["user_no"]) },
      { name: "missing_table", child: at("db", fx, 'users"; DROP TABLE users; --', ["id"]), parent: users },
      { name: "missing_column", child: at("db", fx, "posts", ["author_id"]), parent: users },
    ];
    return validateConfig({ targets: targetEntry("db", fx), relations }, "test.yaml", envFor([["db", fx]]));
  };

  it("counts exactly, with NULL keys, composite keys, soft-deleted parents and quoted names", async () => {
    const { results, failures } = await sweep(config());
    expect(failures).toEqual([]);
    // On PostgreSQL the fixture is two schemas of the shared `test` database, where other test files keep theirs meanwhile
    const ours = (schema: string) => !fx.schema || schema === fx.schema || schema === fx.otherSchema;
    const byChild = (table: string, columns: string, rs = results) =>
      rs.filter(
        (r) =>
          r.relation.origin === "declared" && ours(r.relation.child.schema) && r.relation.child.table === table && r.relation.child.columns.join() === columns,
      );
    // posts_live is configured over the same columns as the declared FK: it replaces it, with its options
    expect(byChild("posts", "user_id")).toEqual([]);
    const plain = await sweep(config(false));
    expect(byChild("posts", "user_id", plain.results).map((r) => r.orphans)).toEqual([FIXTURE_EXPECTED.postsUserId]);
    expect(byChild("grants", "org_id,user_no").map((r) => r.orphans)).toEqual([FIXTURE_EXPECTED.grants]);
    expect(results.find((r) => r.relation.name === "posts_live")?.orphans).toBe(FIXTURE_EXPECTED.postsUserIdSoftDeleted);
    const weird = results.find((r) => r.relation.name === "weird")!;
    expect(weird.orphans).toBe(FIXTURE_EXPECTED.weird);
    expect(weird.childRows).toBe(6);
    expect(results.find((r) => r.relation.name === "taggings")?.orphans).toBe(FIXTURE_EXPECTED.taggings);
    const nonUnique = results.find((r) => r.relation.name === "non_unique")!;
    expect([nonUnique.orphans, nonUnique.childRows]).toEqual([FIXTURE_EXPECTED.nonUniqueParent, 20]);
    if (dialect === "postgres") {
      const inv = results.find((r) => r.relation.child.table === "invoices")!;
      expect(inv.relation.child.schema).toBe(fx.otherSchema);
      expect(inv.relation.parent.schema).toBe(fx.schema);
      expect(inv.orphans).toBe(FIXTURE_EXPECTED.invoices);
    }
  });

  it("reports a precise error for unknown tables and columns, scans the rest, and never reports 0 for them", async () => {
    const { results } = await sweep(config());
    const table = results.find((r) => r.relation.name === "missing_table")!;
    expect(table.orphans).toBeNull();
    expect(table.errorKind).toBe("unknown_table");
    expect(table.error).toContain('users"; DROP TABLE users; --');
    const column = results.find((r) => r.relation.name === "missing_column")!;
    expect(column.errorKind).toBe("unknown_column");
    expect(column.error).toContain("posts.author_id");
    // the injection attempt was a name, not SQL: users is still there
    expect(results.find((r) => r.relation.name === "posts_live")?.orphans).toBe(FIXTURE_EXPECTED.postsUserIdSoftDeleted);
  });

  it("says when the child key has no index and gives the CREATE INDEX statement", async () => {
    const { results } = await sweep(config(), { only: ["weird", "posts_live"] });
    const weird = results.find((r) => r.relation.name === "weird")!;
    expect(weird.indexAdvice).toMatch(/CREATE INDEX/);
    expect(weird.indexAdvice).toContain(dialect === "mysql" ? "`User Id`" : '"User Id"');
    expect(weird.indexAdvice).toContain(dialect === "mysql" ? '`Weird "Items"`' : '"Weird ""Items"""');
    expect(results.find((r) => r.relation.name === "posts_live")?.indexAdvice).toBeUndefined();
  });

  it("treats a parent whose soft-delete stamp cannot be read as live (never inventing orphans)", async () => {
    if (dialect !== "sqlite") return; // typed timestamp columns cannot hold an unreadable stamp
    await fx.exec(`UPDATE users SET deleted_at = 'not a date' WHERE id = 9`);
    try {
      const { results } = await sweep(config(), { only: ["posts_live"] });
      expect(results[0].orphans).toBe(FIXTURE_EXPECTED.postsUserId);
    } finally {
      await fx.exec(`UPDATE users SET deleted_at = datetime('now', '-40 days') WHERE id = 9`);
    }
  });

  it("refuses an unknown --relation name instead of scanning nothing", async () => {
    await expect(sweep(config(), { only: ["nope"] })).rejects.toBeInstanceOf(UnknownRelationError);
  });
});

const pairs: [Dialect, Dialect][] = [
  ["pglite", "sqlite"],
  ["sqlite", "pglite"],
  ...(hasPostgres
    ? ([
        ["postgres", "sqlite"],
        ["sqlite", "postgres"],
      ] as [Dialect, Dialect][])
    : []),
  ...(hasPostgres && hasMysql
    ? ([
        ["mysql", "postgres"],
        ["postgres", "mysql"],
      ] as [Dialect, Dialect][])
    : []),
  ...(hasMysql ? ([["sqlite", "mysql"]] as [Dialect, Dialect][]) : []),
];

describe.each(pairs)("detection across targets: child in %s, parent in %s", (childDialect, parentDialect) => {
  let a: Fixture;
  let b: Fixture;
  beforeAll(async () => {
    [a, b] = await Promise.all([createFixture(childDialect), createFixture(parentDialect)]);
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
  });

  const config = () =>
    validateConfig(
      {
        targets: { ...targetEntry("a", a), ...targetEntry("b", b) },
        relations: [
          { name: "x_posts", child: at("a", a, "posts", ["user_id"]), parent: at("b", b, "users", ["id"]) },
          {
            name: "x_posts_live",
            child: at("a", a, "posts", ["user_id"]),
            parent: at("b", b, "users", ["id"]),
            parentSoftDelete: { column: "deleted_at", graceDays: 30 },
          },
          { name: "x_grants", child: at("a", a, "grants", ["org_id", "user_no"]), parent: at("b", b, "memberships", ["org_id", "user_no"]) },
          { name: "x_weird", child: at("a", a, WEIRD_TABLE, [WEIRD_COLUMN]), parent: at("b", b, "users", ["id"]) },
          { name: "x_taggings", child: at("a", a, "taggings", ["tag_name"]), parent: at("b", b, "tags", ["name"]) },
        ],
      },
      "test.yaml",
      envFor([
        ["a", a],
        ["b", b],
      ]),
    );

  it("walks child keys and looks them up in the other database, exactly", async () => {
    const { results } = await sweep(config(), { only: ["x_posts", "x_posts_live", "x_grants", "x_weird", "x_taggings"] });
    const count = (n: string) => results.find((r) => r.relation.name === n);
    expect(count("x_posts")?.orphans).toBe(FIXTURE_EXPECTED.postsUserId);
    expect(count("x_posts")?.childRows).toBe(20);
    expect(count("x_posts_live")?.orphans).toBe(FIXTURE_EXPECTED.postsUserIdSoftDeleted);
    expect(count("x_grants")?.orphans).toBe(FIXTURE_EXPECTED.grants);
    expect(count("x_weird")?.orphans).toBe(FIXTURE_EXPECTED.weird);
    expect(count("x_taggings")?.orphans).toBe(FIXTURE_EXPECTED.taggings);
  });

  it("gives the same counts whatever the page size (keyset pagination over composite keys)", async () => {
    const cfg = config();
    const pool = new TargetPool(cfg.targets);
    try {
      const [child, parent] = await Promise.all([pool.get("a"), pool.get("b")]);
      const schemaA = a.schema ?? (await child.defaultSchema());
      const schemaB = b.schema ?? (await parent.defaultSchema());
      for (const pageSize of [1, 2, 3]) {
        const grants = await countOrphansAcross(
          child,
          { schema: schemaA, table: "grants", columns: ["org_id", "user_no"] },
          parent,
          { schema: schemaB, table: "memberships", columns: ["org_id", "user_no"] },
          undefined,
          undefined,
          pageSize,
        );
        expect(grants).toEqual({ orphans: FIXTURE_EXPECTED.grants, childRows: 7 });
        const posts = await countOrphansAcross(
          child,
          { schema: schemaA, table: "posts", columns: ["user_id"] },
          parent,
          { schema: schemaB, table: "users", columns: ["id"] },
          undefined,
          undefined,
          pageSize,
        );
        expect(posts.orphans).toBe(FIXTURE_EXPECTED.postsUserId);
      }
    } finally {
      await pool.close();
    }
  });
});

describe.runIf(hasMysql)("MySQL lookups without JSON_TABLE (MySQL 5.7, MariaDB < 10.6)", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture("mysql");
  });
  afterAll(async () => {
    await fx?.drop();
  });

  it("the UNION ALL fallback finds the same missing keys as JSON_TABLE", async () => {
    const { missingKeysJsonTable, missingKeysUnion } = await import("../targets/mysql/statements");
    const pool = new TargetPool({ my: { name: "my", dialect: "mysql", url: fx.url } });
    try {
      const target = await pool.get("my");
      const keys = [["rust", "ghost", "o'reilly", "naïve", "deleted-tag"]]; // one column
      const tags = { schema: fx.schema!, table: "tags", columns: ["name"] };
      const types = await target.columnTypes(tags);
      const json = await target.query(missingKeysJsonTable(tags, ["varchar(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"], keys));
      const union = await target.query(missingKeysUnion(tags, types, keys));
      expect(json.map((r) => Number(r.ord))).toEqual([2, 5]);
      expect(union.map((r) => Number(r.ord))).toEqual([2, 5]);
    } finally {
      await pool.close();
    }
  });
});

// SQLite stores whatever it is given, so a SQLite child is where keys of the wrong type,
// oversized keys and integers beyond 2^53 turn up in practice.
const parentsForOddKeys: Dialect[] = ["pglite", ...(hasPostgres ? (["postgres"] as const) : []), ...(hasMysql ? (["mysql"] as const) : [])];

describe.each(parentsForOddKeys)("odd child keys from SQLite against a %s parent", (parentDialect) => {
  let child: Fixture;
  let parent: Fixture;
  const BIG = "9007199254740993"; // 2^53 + 1: a float would round it to …992
  beforeAll(async () => {
    [child, parent] = await Promise.all([createFixture("sqlite"), createFixture(parentDialect)]);
    await child.exec(`INSERT INTO posts (id, user_id, title) VALUES (30, 'abc', 'wrong type'), (31, ${BIG}, 'big');
      INSERT INTO taggings (id, tag_name) VALUES (30, 'rust${"x".repeat(60)}');`);
    const q = (t: string) => (parent.schema && parentDialect === "postgres" ? `"${parent.schema}".${t}` : t);
    await parent.exec(`INSERT INTO ${q("users")} (id, email) VALUES (${BIG}, 'big@example.com')`);
    // a narrow parent holding its types' extremes: a key beyond them must not be read as one of them
    await parent.exec(`CREATE TABLE ${q("narrow")} (id INT PRIMARY KEY, code VARCHAR(8) NOT NULL UNIQUE);
      INSERT INTO ${q("narrow")} (id, code) VALUES (2147483647, 'ABCDEFGH'), (-2147483648, 'abc')`);
    await child.exec(`CREATE TABLE narrow_refs (id INTEGER PRIMARY KEY, narrow_id INTEGER, code TEXT);
      INSERT INTO narrow_refs (id, narrow_id, code) VALUES (1, 2147483647, 'ABCDEFGH'), (2, 2147483648, 'ABCDEFGHI'), (3, -2147483649, 'abc'), (4, -2147483648, 'ABCDEFGHIJKL');`);
  });
  afterAll(async () => {
    await Promise.all([child?.drop(), parent?.drop()]);
  });

  it("counts a key of the wrong type, an oversized key and one beyond its column's range as orphans, and matches integers beyond 2^53 exactly", async () => {
    const config = validateConfig(
      {
        targets: { ...targetEntry("a", child), ...targetEntry("b", parent) },
        relations: [
          { name: "x_posts", child: at("a", child, "posts", ["user_id"]), parent: at("b", parent, "users", ["id"]) },
          { name: "x_taggings", child: at("a", child, "taggings", ["tag_name"]), parent: at("b", parent, "tags", ["name"]) },
          { name: "x_narrow_id", child: at("a", child, "narrow_refs", ["narrow_id"]), parent: at("b", parent, "narrow", ["id"]) },
          { name: "x_narrow_code", child: at("a", child, "narrow_refs", ["code"]), parent: at("b", parent, "narrow", ["code"]) },
        ],
      },
      "test.yaml",
      envFor([
        ["a", child],
        ["b", parent],
      ]),
    );
    const { results } = await sweep(config, { only: ["x_posts", "x_taggings", "x_narrow_id", "x_narrow_code"] });
    const byName = Object.fromEntries(results.map((r) => [r.relation.name, r.error ?? r.orphans]));
    // 2147483648 and -2147483649 are no INT (MariaDB's JSON_TABLE would clamp them to the
    // extremes the parent holds); 'ABCDEFGHI' and 'ABCDEFGHIJKL' are no VARCHAR(8) (a
    // cast to it would cut them to values the parent holds)
    expect(byName).toEqual({ x_posts: FIXTURE_EXPECTED.postsUserId + 1, x_taggings: FIXTURE_EXPECTED.taggings + 1, x_narrow_id: 2, x_narrow_code: 2 });
  });
});
