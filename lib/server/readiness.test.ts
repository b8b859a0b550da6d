import { describe, expect, it } from "vitest";
import { phase, setPhase, startupOver } from "./readiness";

/** The web process answers while startup runs beside it: what waits for startup, and what /api/ready says meanwhile. */
describe("startup phase", () => {
  it("a sign-in waiting for startup is let through when startup ends, and never before", async () => {
    expect(phase()).toBe("starting");
    let over = false;
    const waiting = startupOver().then(() => (over = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(over).toBe(false);
    setPhase("serving");
    await waiting;
    expect(over).toBe(true);
    // Later callers do not wait at all.
    await expect(startupOver()).resolves.toBeUndefined();
    setPhase("stopping");
    setPhase("serving");
    expect(phase()).toBe("stopping");
  });
});
