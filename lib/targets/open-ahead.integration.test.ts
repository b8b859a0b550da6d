import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquirePGlite } from "../pglite/shared";
import { openEmbeddedTargetsAhead } from "./open-ahead";

const dir = mkdtempSync(path.join(tmpdir(), "custodian-open-ahead-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openEmbeddedTargetsAhead", () => {
  it("opens a PGlite target that whoever opens it next shares, and closes it once both let go", async () => {
    const folder = path.join(dir, "shop");
    await (await acquirePGlite(folder, { create: true, purpose: "test" })).release();
    const release = openEmbeddedTargetsAhead({ shop: { name: "shop", dialect: "pglite", url: folder } });
    // a second instance on the folder would find it locked: this one is the instance opened ahead
    const later = await acquirePGlite(folder, { purpose: "test" });
    await release();
    expect(later.db.closed).toBe(false);
    await later.release();
    expect(later.db.closed).toBe(true);
    expect(existsSync(`${folder}.lock`)).toBe(false);
  });

  it("leaves a target it cannot open to whoever opens it next, which gets the failure", async () => {
    const missing = path.join(dir, "missing");
    const release = openEmbeddedTargetsAhead({ gone: { name: "gone", dialect: "pglite", url: missing } });
    await release();
    await expect(acquirePGlite(missing, { purpose: "test" })).rejects.toThrow("does not exist");
  });

  it("opens nothing without PGlite targets", async () => {
    await openEmbeddedTargetsAhead({ db: { name: "db", dialect: "sqlite", url: path.join(dir, "x.db") } })();
    expect(existsSync(path.join(dir, "x.db"))).toBe(false);
  });
});
