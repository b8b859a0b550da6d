import { describe, expect, it } from "vitest";
import { rebuiltCreateTable } from "./rebuild";

describe("rebuiltCreateTable", () => {
  it("keeps every column and constraint, drops only the replaced foreign keys, appends the new ones", () => {
    const ddl = `CREATE TABLE "Weird ""T""" (
  id INTEGER PRIMARY KEY, -- the key, (with a comma) in a comment
  "a b" TEXT CONSTRAINT fk_a REFERENCES p (x) ON DELETE NO ACTION NOT NULL DEFAULT 'x,y',
  c INTEGER REFERENCES q NOT DEFERRABLE INITIALLY IMMEDIATE CHECK (c > 0),
  d INTEGER,
  e INTEGER,
  CONSTRAINT fk_de FOREIGN KEY (d, e) REFERENCES r (d, e),
  UNIQUE (d, e)
) WITHOUT ROWID`;
    const out = rebuiltCreateTable(
      ddl,
      '"main"."new"',
      [["a b"], ["c"], ["d", "e"]],
      ['CONSTRAINT "n1" FOREIGN KEY ("a b") REFERENCES "p" ("x") ON DELETE CASCADE'],
    );
    expect(out).toBe(`CREATE TABLE "main"."new" (
  id INTEGER PRIMARY KEY,
  "a b" TEXT NOT NULL DEFAULT 'x,y',
  c INTEGER CHECK (c > 0),
  d INTEGER,
  e INTEGER,
  UNIQUE (d, e),
  CONSTRAINT "n1" FOREIGN KEY ("a b") REFERENCES "p" ("x") ON DELETE CASCADE
) WITHOUT ROWID`);
  });

  it("leaves a foreign key on other columns alone", () => {
    const ddl = "CREATE TABLE t (a INTEGER REFERENCES p, b INTEGER)";
    expect(rebuiltCreateTable(ddl, '"n"', [["b"]], ["X"])).toBe('CREATE TABLE "n" (\n  a INTEGER REFERENCES p,\n  b INTEGER,\n  X\n)');
  });
});
