import type { RawBuilder } from "kysely";
import { describe, expect, it } from "vitest";
import { compilers } from "./compilers";
import * as my from "./mysql/statements";
import * as pg from "./postgres/statements";
import { antiJoinCountStatement, childRowsStatement, keyAtOffsetStatement, parentLive, walkKeysStatement } from "./sql";
import * as lite from "./sqlite/statements";

// The statements Custodian runs against other people's databases, compiled per dialect.
// Snapshots keep them stable; the assertions below keep names quoted and values bound.

const HOSTILE = 'x"; DROP TABLE users; --`';
const child = { schema: "public", table: 'Order "Items"', columns: ["User Id", "tenant`id"] };
const parent = { schema: "Billing Dept", table: HOSTILE, columns: ["id", "tenant"] };
const sd = { column: "deleted_at", before: new Date("2026-10-01T00:00:00Z") };
// column by column, as a KeyPage holds them: keys (1, "a") and ("2", "b'); DELETE…")
const keys = [
  [1, "2"],
  ["a", "b'); DELETE FROM x; --"],
];

// a chunk of the child's (composite) reference columns, a hostile text value at each end: the parent's key is bounded alike
const childRange = { columns: ["User Id", "tenant`id"], reference: true, from: [5, "b'); DELETE FROM x; --"], to: [9, "b'); DELETE FROM x; --"] };
// a chunk of the child's primary key: the parent is not bounded; and the first range of the reference columns (open at its start)
const pkRange = { columns: ["Line No", "tenant`id"], from: [5, "b'); DELETE FROM x; --"], to: [9, "b'); DELETE FROM x; --"] };
const firstRange = { columns: childRange.columns, reference: true, to: childRange.to };

function compile(dialect: keyof typeof compilers, q: RawBuilder<unknown>) {
  return q.compile(compilers[dialect]);
}

const cases = {
  postgres: {
    onePass: pg.orphanCountOnePass({ child, parent, parentSoftDelete: sd, parentKeyUnique: true }),
    antiJoin: antiJoinCountStatement({ child, parent, parentSoftDelete: sd, parentKeyUnique: false }, parentLive("p", sd)),
    walk: walkKeysStatement(child, [5, "t"], 1000),
    missing: pg.missingKeys(parent, ["bigint", "text"], keys, sd),
    missingRange: pg.missingKeys({ ...parent, columns: ["id"] }, ["bigint"], [[1, "2", "b'); DELETE FROM x; --"]], undefined, ["1", "2"]),
    walkList: pg.walkKeysPacked({ ...child, columns: ["User Id"] }, ["5"], 1000, "list"),
    walkJson: pg.walkKeysPacked({ ...child, columns: ["User Id"] }, null, 1000, "json"),
    rangeOnePass: pg.orphanCountOnePass({ child, parent, parentKeyUnique: true, childRange }),
    rangeAntiJoin: antiJoinCountStatement({ child, parent, parentKeyUnique: false, childRange }, parentLive("p", undefined)),
    pkRangeOnePass: pg.orphanCountOnePass({ child, parent, parentKeyUnique: true, childRange: pkRange }),
    firstRangeOnePass: pg.orphanCountOnePass({ child, parent, parentKeyUnique: true, childRange: firstRange }),
    keyRangeRows: childRowsStatement({ child, parent, parentKeyUnique: false, childRange }),
    keyAtOffset: keyAtOffsetStatement(child, childRange.from, childRange.to, 99),
    walkUpTo: walkKeysStatement(child, childRange.from, 1000, childRange.to),
  },
  mysql: {
    onePass: my.orphanCountOnePass({ child, parent, parentSoftDelete: sd, parentKeyUnique: true }),
    onePassOneColumn: my.orphanCountOnePass({ child: { ...child, columns: ["User Id"] }, parent: { ...parent, columns: ["id"] }, parentKeyUnique: true }),
    antiJoin: antiJoinCountStatement({ child, parent, parentSoftDelete: sd, parentKeyUnique: false }, parentLive("p", sd)),
    walk: walkKeysStatement(child, [5, "t"], 1000),
    missing: my.missingKeysJsonTable(parent, ["bigint(20) unsigned", "varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"], keys, sd),
    missingUnion: my.missingKeysUnion(parent, ["bigint(20) unsigned", "varchar(10)"], keys, sd),
    rangeOnePass: my.orphanCountOnePass({ child, parent, parentKeyUnique: true, childRange }),
    pkRangeOnePass: my.orphanCountOnePass({ child, parent, parentKeyUnique: true, childRange: pkRange }),
    keyAtOffset: keyAtOffsetStatement(child, childRange.from, childRange.to, 99),
  },
  sqlite: {
    join: lite.orphanCountJoin({ child, parent, parentSoftDelete: sd, parentKeyUnique: true }),
    joinNoSoftDelete: lite.orphanCountJoin({ child, parent, parentKeyUnique: true }),
    notIn: lite.orphanCountNotIn({ child, parent, parentSoftDelete: sd, parentKeyUnique: false }),
    notInRowid: lite.orphanCountNotInRowid({ child: { ...child, columns: ["User Id"] }, parent: { ...parent, columns: ["id"] }, parentKeyUnique: true }),
    walk: walkKeysStatement(child, [5, "t"], 1000),
    missing: lite.missingKeys(parent, keys, sd),
    walkPacked: lite.walkKeysPacked({ ...child, columns: ["User Id"] }, [5n], 1000),
    rangeJoin: lite.orphanCountJoin({ child, parent, parentKeyUnique: true, childRange }),
    rangeNotIn: lite.orphanCountNotIn({ child, parent, parentKeyUnique: false, childRange }),
    pkRangeJoin: lite.orphanCountJoin({ child, parent, parentKeyUnique: true, childRange: pkRange }),
    rowidRangeNotIn: lite.orphanCountNotInRowid({
      child: { ...child, columns: ["User Id"] },
      parent: { ...parent, columns: ["id"] },
      parentKeyUnique: true,
      childRange: { columns: ["User Id"], reference: true, from: [5], to: [9] },
    }),
    keyAtOffset: keyAtOffsetStatement(child, childRange.from, childRange.to, 99),
  },
};

describe.each(Object.keys(cases) as (keyof typeof cases)[])("%s statements", (dialect) => {
  const quote = dialect === "mysql" ? (s: string) => `\`${s.replace(/`/g, "``")}\`` : (s: string) => `"${s.replace(/"/g, '""')}"`;

  it.each(Object.keys(cases[dialect]))("%s: stable, names quoted by the dialect, values bound", (name) => {
    const { sql, parameters } = compile(dialect, (cases[dialect] as Record<string, RawBuilder<unknown>>)[name]);
    expect(sql).toMatchSnapshot();
    // every identifier appears only in its quoted form
    // walks and the key at an offset read the child only
    const childOnly = name.startsWith("walk") || name.startsWith("key");
    for (const id of [...child.columns, ...parent.columns.filter(() => !childOnly)]) {
      if (sql.includes(id)) expect(sql).toContain(quote(id));
    }
    if (!childOnly) expect(sql).toContain(quote(HOSTILE));
    if (name.startsWith("range") || name.startsWith("key")) expect(parameters).toContain("b'); DELETE FROM x; --");
    // values never reach the SQL text
    expect(sql).not.toContain("DELETE FROM x");
    const bound = parameters.flat();
    // (keys travel as arrays on Postgres, a JSON document on SQLite, placeholders on MySQL)
    if (name.startsWith("missing")) expect(bound.some((p) => String(p).includes("b'); DELETE FROM x; --"))).toBe(true);
    if (sql.includes("deleted_at")) expect(bound).toContainEqual(dialect === "sqlite" ? sd.before.toISOString() : sd.before);
  });
});

describe("key ranges", () => {
  it("are lower-exclusive and upper-inclusive, the leading column also bounded on its own so an index range starts at the range", () => {
    const { sql, parameters } = compile("postgres", keyAtOffsetStatement({ ...child, columns: ["a", "b"] }, [5, "x"], [9, "y"], 99));
    expect(sql).toContain(
      `"c"."a" >= $1 AND (("c"."a" > $2) OR ("c"."a" = $3 AND "c"."b" > $4)) AND "c"."a" <= $5 AND (("c"."a" < $6) OR ("c"."a" = $7 AND "c"."b" <= $8))`,
    );
    expect(parameters).toEqual([5, 5, 5, "x", 9, 9, 9, "y"]);
    expect(sql).toMatch(/ORDER BY "c"\."a", "c"\."b"\nLIMIT 1 OFFSET 99$/);
    // one column: the comparison alone; an open end: no bound at all
    expect(compile("postgres", keyAtOffsetStatement({ ...child, columns: ["a"] }, null, [9], 0)).sql).toContain(
      `WHERE "c"."a" IS NOT NULL AND "c"."a" <= $1\n`,
    );
  });

  it("of the reference columns bound the parent's key alike and hold whole keys only; of the primary key, the child alone", () => {
    const one = (childRange: { columns: string[]; reference?: boolean; from?: unknown[]; to?: unknown[] }) =>
      compile(
        "postgres",
        pg.orphanCountOnePass({ child: { ...child, columns: ["a"] }, parent: { ...parent, columns: ["id"] }, parentKeyUnique: true, childRange }),
      ).sql;
    expect(one({ columns: ["a"], reference: true, from: [5], to: [9] })).toContain(
      `AND "p"."id" > $1 AND "p"."id" <= $2\nWHERE "c"."a" IS NOT NULL AND "c"."a" > $3 AND "c"."a" <= $4`,
    );
    expect(one({ columns: ["a"], reference: true, to: [9] })).toContain(`AND "p"."id" <= $1\nWHERE "c"."a" IS NOT NULL AND "c"."a" <= $2`);
    expect(one({ columns: ["pk"], from: [5], to: [9] })).toMatch(/AND 1 = 1\nWHERE "c"\."pk" > \$1 AND "c"\."pk" <= \$2$/);
    // the reference's own columns, cut as a primary key (a text key that is both): the child alone
    expect(one({ columns: ["a"], from: [5], to: [9] })).toMatch(/AND 1 = 1\nWHERE "c"\."a" > \$1 AND "c"\."a" <= \$2$/);
  });

  it("leave the one-statement count as it was without a range", () => {
    expect(compile("postgres", pg.orphanCountOnePass({ child, parent, parentKeyUnique: true })).sql).not.toMatch(/\nWHERE/);
    expect(compile("mysql", my.orphanCountOnePass({ child, parent, parentKeyUnique: true })).sql).not.toMatch(/\nWHERE/);
  });
});

describe("keys as parameters", () => {
  it("sends integer keys as one array literal to PostgreSQL and as JSON numbers to MySQL, others as text", () => {
    const one = { ...parent, columns: ["id"] };
    expect(compile("postgres", pg.missingKeys(one, ["bigint"], [[1, "-2", 9007199254740993n]])).parameters).toEqual(["{1,-2,9007199254740993}"]);
    expect(compile("postgres", pg.missingKeys(one, ["bigint"], [[1, " 2"]])).parameters).toEqual([["1", " 2"]]);
    expect(compile("mysql", my.missingKeysJsonTable(one, ["bigint(20) unsigned"], [[1, "18446744073709551615", 9007199254740993n]])).parameters).toEqual([
      "[1,18446744073709551615,9007199254740993]",
    ]);
    // not canonical JSON numbers (leading zero), or not an integer column: strings
    expect(compile("mysql", my.missingKeysJsonTable(one, ["bigint(20)"], [["007", 1]])).parameters).toEqual(['["007",1]']);
    expect(compile("mysql", my.missingKeysJsonTable(one, ["varchar(10)"], [["1", 2]])).parameters).toEqual(['["1",2]']);
    expect(compile("sqlite", lite.missingKeys(one, [[1, "a", 9007199254740993n]])).parameters).toEqual(['[1,"a","9007199254740993"]']);
  });
});

describe("NULL safety", () => {
  it("adds no constant predicate where there is no soft-delete rule (SQLite evaluates it per row)", () => {
    expect(compile("sqlite", cases.sqlite.joinNoSoftDelete).sql).not.toMatch(/AND 1\b/);
    expect(compile("sqlite", lite.missingKeys(parent, keys)).sql).not.toMatch(/AND 1\b/);
    expect(compile("mysql", my.orphanCountOnePass({ child, parent, parentKeyUnique: true })).sql).not.toMatch(/1 = 1/);
  });

  it("never uses NOT IN without filtering NULL keys on both sides (but onto a rowid, which is never NULL)", () => {
    for (const dialect of Object.keys(cases) as (keyof typeof cases)[]) {
      for (const [name, q] of Object.entries(cases[dialect])) {
        const { sql } = compile(dialect, q as RawBuilder<unknown>);
        if (name === "notInRowid") {
          // SqliteTarget picks it only for a parent key that is the table's rowid (sqlite/target.test.ts)
          expect(sql).toMatch(/"c"\."User Id" IS NOT NULL AND "c"\."User Id" NOT IN \(SELECT "p"\."id" FROM [^()]+ AS p\)$/);
        } else if (name === "rowidRangeNotIn") {
          // the same for a range of the reference: the rowid probed for each key, the parent not bounded (that would cost an ephemeral table)
          expect(sql).toMatch(/"c"\."User Id" IS NOT NULL AND .* "c"\."User Id" NOT IN \(SELECT "p"\."id" FROM [^()]+ AS p\)$/);
        } else if (/NOT IN/i.test(sql)) {
          expect(sql).toMatch(/"c"\."User Id" IS NOT NULL AND "c"\."tenant`id" IS NOT NULL/);
          expect(sql).toMatch(/"p"\."id" IS NOT NULL AND "p"\."tenant" IS NOT NULL/);
        }
      }
    }
  });
});
