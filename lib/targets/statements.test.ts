import { afterAll, describe, expect, it } from "vitest";
import { openTarget } from "./open";
import type { Target } from "./types";

// DDL as each dialect writes it, identifiers quoted by its compiler. Compiling opens no
// connection: a server's pool connects on its first query, so no server is needed here.
const ref = { schema: "app", table: 'order "items"', columns: ["user_id", "x`y"] };
const opened: Target[] = [];
afterAll(() => Promise.all(opened.map((t) => t.close())));

async function open(dialect: "postgres" | "mysql" | "sqlite"): Promise<Target> {
  const url = dialect === "sqlite" ? ":memory:" : `${dialect}://custodian@127.0.0.1:9/none`;
  const target = await openTarget({ name: "t", dialect, url });
  opened.push(target);
  return target;
}

describe("index statements", () => {
  it("PostgreSQL builds them concurrently, the schema on the table", async () => {
    const t = await open("postgres");
    expect(t.createIndexStatement(ref)).toBe('CREATE INDEX CONCURRENTLY "order ""items""_user_id_x`y_idx" ON "app"."order ""items""" ("user_id", "x`y")');
    expect(t.partialIndexStatement(ref, "deleted_at", { unique: true, live: true })).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY "order ""items""_user_id_x`y_live_idx" ON "app"."order ""items""" ("user_id", "x`y") WHERE "deleted_at" IS NULL',
    );
  });

  it("MySQL builds them in place, and has no partial indexes", async () => {
    const t = await open("mysql");
    expect(t.createIndexStatement(ref)).toBe(
      'CREATE INDEX `order "items"_user_id_x``y_idx` ON `app`.`order "items"` (`user_id`, `x``y`) ALGORITHM=INPLACE LOCK=NONE',
    );
    expect(t.partialIndexStatement(ref, "deleted_at", { unique: false, live: false })).toBeNull();
  });

  it("SQLite names the schema on the index", async () => {
    const t = await open("sqlite");
    const main = { ...ref, schema: "main" };
    expect(t.createIndexStatement(main)).toBe('CREATE INDEX "main"."order ""items""_user_id_x`y_idx" ON "order ""items""" ("user_id", "x`y")');
    expect(t.partialIndexStatement(main, "deleted_at", { unique: false, live: false })).toBe(
      'CREATE INDEX "main"."order ""items""_user_id_x`y_deleted_idx" ON "order ""items""" ("user_id", "x`y") WHERE "deleted_at" IS NOT NULL',
    );
  });

  it("the capability flags come from the dialect's adapter", async () => {
    const [pg, my, lite] = [await open("postgres"), await open("mysql"), await open("sqlite")];
    expect(
      [pg, my, lite].map((t) => [
        t.inProcess,
        t.rowLocks,
        t.deleteRechecksLatest,
        t.deleteReturning,
        t.implicitRowKey,
        t.orphanProbe,
        t.keyLists,
        t.writesHeldByTransaction,
      ]),
    ).toEqual([
      [false, true, false, "composite_keys", null, "fenced_not_exists", "array", false],
      [false, true, true, "never", null, "count", "parameters", false],
      [true, false, true, "always", "rowid", "not_exists", "json", true],
    ]);
  });
});
