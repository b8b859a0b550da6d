import { describe, expect, it } from "vitest";
import { compilers } from "../compilers";
import { boundValues, referencedKeysStatement, residueCountStatement, residueSampleStatement, type RowFilter } from "./subject";

// The erasure walk's statements, compiled per dialect: snapshots keep them stable; the
// assertions keep hostile names quoted and key values bound.

const HOSTILE = 'x"; DROP TABLE users; --`';
const EVIL_KEY = "1'); DELETE FROM users; --";
const users = { schema: "Billing Dept", table: HOSTILE };
const orders = { schema: "Billing Dept", table: 'Order "Items"' };
// orders of the subject (by key), or of a parent user row matching it, or by a composite key
const filter: RowFilter = {
  kind: "any",
  of: [
    { kind: "values", columns: ["User Id"], keys: [[EVIL_KEY]] },
    { kind: "parent", columns: ["owner`id"], parent: users, parentColumns: ["id"], filter: { kind: "values", columns: ["id"], keys: [[7], [8]] } },
    { kind: "values", columns: ["tenant", "no"], keys: [["acme", 1]] },
  ],
};
const pii = [
  { column: "E-mail", text: true },
  { column: "born", text: false },
];

describe.each(Object.keys(compilers) as (keyof typeof compilers)[])("erasure statements in %s", (dialect) => {
  const db = compilers[dialect];
  const statements = {
    count: residueCountStatement(orders, filter, pii).compile(db),
    sample: residueSampleStatement(orders, ["id"], filter, pii, 5).compile(db),
    keys: referencedKeysStatement(orders, ["id", "tenant"], filter, [10, "acme"], 5000).compile(db),
  };

  it("match their snapshots", () => {
    expect(Object.fromEntries(Object.entries(statements).map(([k, s]) => [k, s.sql]))).toMatchSnapshot();
  });

  it("bind every key value and quote every name", () => {
    for (const s of Object.values(statements)) {
      expect(s.sql).not.toContain("DELETE");
      expect(s.sql).not.toContain("acme");
      expect(s.parameters).toEqual(expect.arrayContaining([EVIL_KEY, 7, 8, "acme", 1]));
      expect(s.sql).toContain(dialect === "mysql" ? '`x"; DROP TABLE users; --```' : '"x""; DROP TABLE users; --`"');
    }
    expect(statements.count.parameters).toHaveLength(boundValues(filter));
  });

  it("match nothing for an empty key list instead of writing IN ()", () => {
    const none = residueCountStatement(orders, { kind: "values", columns: ["id"], keys: [] }, []).compile(db);
    expect(none.sql).toContain("1 = 0");
    expect(none.sql).not.toMatch(/IN \(\)/);
  });
});
