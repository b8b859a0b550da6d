import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../test/wait";
import { acquirePGlite, keepIdlePGlite } from "./shared";

const dir = mkdtempSync(path.join(tmpdir(), "custodian-pglite-idle-"));
const folder = path.join(dir, "data");

afterEach(() => keepIdlePGlite(0));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a PGlite folder nobody uses", () => {
  it("is closed at once by default: the next user opens a new instance", async () => {
    const a = await acquirePGlite(folder, { create: true, purpose: "test" });
    await a.release();
    expect(existsSync(`${folder}.lock`)).toBe(false);
    const b = await acquirePGlite(folder, { purpose: "test" });
    expect(b.db).not.toBe(a.db);
    await b.release();
  });

  it("stays open while kept idle, is reused by the next user, then closes and frees the folder", async () => {
    keepIdlePGlite(60_000);
    const a = await acquirePGlite(folder, { create: true, purpose: "test" });
    await a.db.exec("CREATE TABLE IF NOT EXISTS t (x int)");
    await a.release();
    expect(existsSync(`${folder}.lock`)).toBe(true);
    const b = await acquirePGlite(folder, { purpose: "test" });
    expect(b.db).toBe(a.db);
    expect((await b.db.query("SELECT count(*)::int AS n FROM t")).rows).toEqual([{ n: 0 }]);
    // a short wait this time: the idle instance closes by itself and releases the folder's lock
    keepIdlePGlite(20);
    await b.release();
    await waitFor(async () => !existsSync(`${folder}.lock`), { what: "the idle instance to close" });
    const c = await acquirePGlite(folder, { purpose: "test" });
    expect(c.db).not.toBe(a.db);
    await c.release();
  });
});
