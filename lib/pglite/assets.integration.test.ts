import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLoadingPGliteAssets } from "./assets";
import { acquirePGlite } from "./shared";

const dir = mkdtempSync(path.join(tmpdir(), "custodian-pglite-assets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("PGlite's assets", () => {
  it("are loaded once per process: the compiled wasm and the file-system bundle", async () => {
    const first = startLoadingPGliteAssets();
    expect(startLoadingPGliteAssets()).toBe(first);
    const assets = await first;
    expect(assets).not.toBeNull();
    expect(assets!.pgliteWasmModule).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(assets!.pgliteWasmModule).length).toBeGreaterThan(0);
    expect(assets!.fsBundle.size).toBeGreaterThan(1_000_000);
  });

  it("serve two folders opened at once, each its own database", async () => {
    const [a, b] = await Promise.all(["a", "b"].map((name) => acquirePGlite(path.join(dir, name), { create: true, purpose: "test" })));
    try {
      await a.db.exec("CREATE TABLE only_in_a (x int); INSERT INTO only_in_a VALUES (1)");
      expect((await a.db.query("SELECT x FROM only_in_a")).rows).toEqual([{ x: 1 }]);
      expect((await b.db.query("SELECT to_regclass('only_in_a') IS NULL AS absent")).rows).toEqual([{ absent: true }]);
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
    // durable: reopened, the table and its row are still there
    const again = await acquirePGlite(path.join(dir, "a"), { purpose: "test" });
    try {
      expect((await again.db.query("SELECT x FROM only_in_a")).rows).toEqual([{ x: 1 }]);
    } finally {
      await again.release();
    }
  });
});
