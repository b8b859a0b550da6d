import { describe, expect, it } from "vitest";
import { firstPageServed, holdStartupForFirstPage, startupMayBegin } from "./first-page";

/** Startup work (store, sweeps) waits for the web server's first page only when that server holds it. */
describe("startup held for the first page", () => {
  it("begins at once when no web server holds it (a bare `next start`)", async () => {
    let begun = false;
    void startupMayBegin().then(() => (begun = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(begun).toBe(true);
  });

  it("held, begins when the first page is served, and never before", async () => {
    holdStartupForFirstPage();
    let begun = false;
    const waiting = startupMayBegin().then(() => (begun = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(begun).toBe(false);
    firstPageServed();
    await waiting;
    expect(begun).toBe(true);
    // holding again after the release holds nothing: startup already began
    holdStartupForFirstPage();
    await expect(startupMayBegin()).resolves.toBeUndefined();
  });
});
