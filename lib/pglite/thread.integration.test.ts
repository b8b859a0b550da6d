import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapPostgresError } from "../targets/postgres/errors";
import { pgliteEntryUrl, startLoadingPGliteAssets } from "./assets";
import { acquirePGlite, acquirePGliteQueries } from "./shared";
import { openPGliteInThread, type PGliteQueries } from "./thread";
import { openPGliteTargetsInThreads } from "./threads";

const dir = mkdtempSync(path.join(tmpdir(), "custodian-pglite-thread-"));
const folder = path.join(dir, "data");
const root = path.resolve(import.meta.dirname, "../..");

async function open(at = folder): Promise<PGliteQueries> {
  return openPGliteInThread(pgliteEntryUrl(), at, { ...(await startLoadingPGliteAssets()), startParams: PGlite.defaultStartParams });
}

beforeAll(async () => {
  const db = await PGlite.create(folder);
  await db.exec(`CREATE TABLE "it's" (id int8 PRIMARY KEY, name text, payload bytea, at timestamptz, tags text[], doc jsonb);
    CREATE TABLE tx (id int PRIMARY KEY)`);
  await db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("PGlite in a worker thread", () => {
  it("binds and returns every kind of value as PGlite on the main thread does", async () => {
    const db = await open();
    try {
      const at = new Date("2026-12-02T10:00:00.123Z");
      const big = 2n ** 53n + 1n;
      // bound as JSON, a class instance is what its toJSON says, as PGlite here would send it
      const doc = new (class {
        toJSON() {
          return { kind: "sent" };
        }
      })();
      const inserted = await db.query(`INSERT INTO "it's" VALUES ($1, $2, $3, $4, $5, $6), ($7, NULL, NULL, NULL, NULL, NULL)`, [
        big,
        'O\'Brien "quoted"',
        Buffer.from([0, 1, 255]),
        at,
        ["a", "b,c"],
        doc,
        7,
      ]);
      expect(inserted.affectedRows).toBe(2);
      const { rows, fields } = await db.query(`SELECT * FROM "it's" ORDER BY id`);
      expect(fields.map((f) => f.name)).toEqual(["id", "name", "payload", "at", "tags", "doc"]);
      expect(rows).toEqual([
        { id: 7, name: null, payload: null, at: null, tags: null, doc: null },
        { id: big, name: 'O\'Brien "quoted"', payload: new Uint8Array([0, 1, 255]), at, tags: ["a", "b,c"], doc: { kind: "sent" } },
      ]);
      // the same row read by PGlite itself, on this thread, after the thread has closed it
      await db.close();
      const here = await PGlite.create(folder);
      expect((await here.query(`SELECT * FROM "it's" ORDER BY id`)).rows).toEqual(rows);
      await here.exec(`DELETE FROM "it's"`);
      await here.close();
    } finally {
      await db.close();
    }
  });

  it("fails a statement with PostgreSQL's error fields and goes on answering", async () => {
    const db = await open();
    try {
      const err = await db.query("SELECT * FROM no_such_table").then(
        () => expect.unreachable("the statement succeeded"),
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/relation "no_such_table" does not exist/);
      expect(err.code).toBe("42P01");
      // what a target makes of it (lib/targets/postgres/errors.ts reads the code)
      expect(mapPostgresError("shop", err).kind).toBe("unknown_table");
      expect((await db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it("keeps one session: a transaction begun by one statement is rolled back by a later one", async () => {
    const db = await open();
    try {
      await db.query("BEGIN");
      await db.query(`INSERT INTO tx (id) VALUES (1)`);
      expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tx`)).rows[0].n).toBe(1);
      await db.query("ROLLBACK");
      expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tx`)).rows[0].n).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("refuses statements once closed; a folder PGlite cannot open rejects the open", async () => {
    const db = await open();
    await db.close();
    await expect(db.query("SELECT 1")).rejects.toThrow(/is closed/);
    const broken = path.join(dir, "broken");
    mkdirSync(broken);
    writeFileSync(path.join(broken, "PG_VERSION"), "9\n");
    await expect(open(broken)).rejects.toThrow();
  });

  it("holds the process open only while a statement is in flight", () => {
    // a child that opens a thread, reads once and neither closes it nor exits: it must end by
    // itself (on a copy: the child leaves its folder shut down uncleanly)
    const copy = path.join(dir, "child");
    cpSync(folder, copy, { recursive: true });
    const script = `
      import { PGlite } from "@electric-sql/pglite";
      import { openPGliteInThread } from "./lib/pglite/thread.ts";
      import { pgliteEntryUrl } from "./lib/pglite/assets.ts";
      const db = await openPGliteInThread(pgliteEntryUrl(), ${JSON.stringify(copy)}, { startParams: PGlite.defaultStartParams });
      console.log(JSON.stringify((await db.query("SELECT 41 + 1 AS answer")).rows));`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(out.trim()).toBe('[{"answer":42}]');
  });
});

describe("embedded targets of a one-off command", () => {
  it("run in a thread, and the folder is not opened a second time on the main thread", async () => {
    openPGliteTargetsInThreads();
    const target = await acquirePGliteQueries(folder, { purpose: "target shop" });
    try {
      expect(target.db).not.toBeInstanceOf(PGlite);
      expect((await target.db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await expect(acquirePGlite(folder, { purpose: "the store" })).rejects.toThrow(
        /is open as an embedded target in this process; it cannot also be opened as the store/,
      );
      // a second target user shares the thread
      const again = await acquirePGliteQueries(folder, { purpose: "target shop" });
      expect(again.db).toBe(target.db);
      await again.release();
    } finally {
      await target.release();
    }
    // released by every user: the thread is closed and the folder free for the main thread
    const whole = await acquirePGlite(folder, { purpose: "the store" });
    expect(whole.db).toBeInstanceOf(PGlite);
    await whole.release();
  });

  it("but one on the embedded store's own folder shares the store's instance, on the main thread", async () => {
    const store = path.join(dir, "store");
    cpSync(folder, store, { recursive: true });
    openPGliteTargetsInThreads({ except: [store] });
    const target = await acquirePGliteQueries(store, { purpose: "target self" });
    try {
      expect(target.db).toBeInstanceOf(PGlite);
      const whole = await acquirePGlite(store, { purpose: "the store" });
      expect(whole.db).toBe(target.db);
      await whole.release();
    } finally {
      await target.release();
    }
  });
});
