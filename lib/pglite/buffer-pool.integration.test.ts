import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pgliteBufferPoolParams, SMALL_PGLITE_SHARED_BUFFERS, useSmallPGliteBufferPool } from "./buffer-pool";
import { acquirePGlite } from "./shared";

const dir = mkdtempSync(path.join(tmpdir(), "custodian-pglite-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sharedBuffers(folder: string): Promise<string> {
  const h = await acquirePGlite(path.join(dir, folder), { create: true, purpose: "test" });
  try {
    return (await h.db.query<{ shared_buffers: string }>("SHOW shared_buffers")).rows[0].shared_buffers;
  } finally {
    await h.release();
  }
}

// one test: the setting is the process's, and only ever made smaller (as the CLI does)
describe("PGlite's buffer pool", () => {
  it("is PostgreSQL's default until a one-off command asks for the smaller one", async () => {
    expect(pgliteBufferPoolParams()).toEqual([]);
    expect(await sharedBuffers("default")).toBe("128MB");
    useSmallPGliteBufferPool();
    expect(pgliteBufferPoolParams()).toEqual(["-c", `shared_buffers=${SMALL_PGLITE_SHARED_BUFFERS}`]);
    expect(await sharedBuffers("small")).toBe(SMALL_PGLITE_SHARED_BUFFERS);
  });
});
