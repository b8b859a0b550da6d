import { sql, type RawBuilder } from "kysely";
import { describe, expect, it } from "vitest";
import { compilers } from "../compilers";
import { clearStampByPk, countBelow, gaugeStatement, liveHolder, redactByPk, rowsBelow, softDeletedBy, type PathLink } from "./softdelete";

// The soft-delete statements, compiled per dialect: names quoted, every value bound.

const HOSTILE = 'x"; DROP TABLE users; --`';
const users = { schema: "Shop Dept", table: HOSTILE };
const path: PathLink[] = [
  { ref: { schema: "Shop Dept", table: 'Posts "P"', columns: ["User Id"] }, referenced: ["id"], stamp: "deleted at" },
  { ref: { schema: "Shop Dept", table: "comments", columns: ["post`id"] }, referenced: ["id"], stamp: "deleted at" },
];
const EMAIL = "o'brien@example.com; DELETE FROM users";
const cases: Record<string, RawBuilder<unknown>> = {
  rowsBelowSubject: rowsBelow({ kind: "subject", table: users, pk: ["id"], key: ["42"] }, path, ["id"], { limit: 500, sameCascade: "deleted at" }),
  rowsBelowKeys: rowsBelow({ kind: "keys", tuples: [["7"], ["8"]] }, path, ["id"], { limit: 500 }),
  countBelow: countBelow({ kind: "subject", table: users, pk: ["id"], key: ["42"] }, path),
  softDeletedBy: softDeletedBy(users, ["id"], "deleted at", "e-mail", EMAIL, 20),
  liveHolder: liveHolder(users, ["id"], "deleted at", "e-mail", EMAIL, ["42"]),
  clearStamp: clearStampByPk(path[0].ref, ["id"], [["1"], ["2"]], "deleted at"),
  redact: redactByPk(users, ["id"], [["42"]], { "e-mail": "redacted", "full name": null }),
  gauge: gaugeStatement(users, "deleted at", sql`r.x < ${new Date(0)}`, [sql`r.x < ${new Date(1)}`], null),
};

describe.each(Object.keys(compilers) as (keyof typeof compilers)[])("%s soft-delete statements", (dialect) => {
  const quote = dialect === "mysql" ? (s: string) => `\`${s.replace(/`/g, "``")}\`` : (s: string) => `"${s.replace(/"/g, '""')}"`;
  it.each(Object.keys(cases))("%s: names quoted by the dialect, values bound", (name) => {
    const { sql: text, parameters } = cases[name].compile(compilers[dialect]);
    // every name present only in its quoted form: with the quoted names taken out, nothing of them is left
    let bare = text;
    for (const id of [HOSTILE, "Shop Dept", 'Posts "P"', "User Id", "post`id", "deleted at", "e-mail", "full name"]) bare = bare.split(quote(id)).join("");
    for (const piece of ["DROP TABLE", "Shop Dept", "Posts", "User Id", "post`id", "deleted at", "e-mail", "full name", "o'brien", "DELETE FROM"])
      expect(bare).not.toContain(piece);
    if (name === "softDeletedBy" || name === "liveHolder") expect(parameters).toContain(EMAIL);
    if (name === "rowsBelowSubject") {
      expect(parameters).toEqual(["42"]);
      // the same cascade: each table's stamp compared with the subject's, inside the database
      expect(text).toContain(`${quote("n0")}.${quote("deleted at")} = ${quote("r")}.${quote("deleted at")}`);
      expect(text).toContain(`${quote("n1")}.${quote("deleted at")} = ${quote("r")}.${quote("deleted at")}`);
    }
    if (name === "rowsBelowKeys") expect(parameters).toEqual(["7", "8"]);
    if (name === "redact") expect(parameters).toEqual(["redacted", null, "42"]);
  });
});
