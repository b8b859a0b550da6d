import { describe, expect, it } from "vitest";
import { sharedRead } from "./shared-read";

describe("reads shared within the process", () => {
  it("answers the same read asked for meanwhile (and within its time) from one load", async () => {
    let loads = 0;
    const load = async () => ++loads;
    const key = `same-${Math.random()}`;
    const [a, b] = await Promise.all([sharedRead(key, 60_000, load), sharedRead(key, 60_000, load)]);
    expect([a, b, await sharedRead(key, 60_000, load)]).toEqual([1, 1, 1]);
    expect(loads).toBe(1);
    // another key, or a time already over, reads again
    expect(await sharedRead(`${key}-other`, 60_000, load)).toBe(2);
    expect(await sharedRead(key, 0, load)).toBe(3);
  });

  it("does not keep a failed read", async () => {
    const key = `failing-${Math.random()}`;
    await expect(sharedRead(key, 60_000, async () => Promise.reject(new Error("unreachable")))).rejects.toThrow("unreachable");
    expect(await sharedRead(key, 60_000, async () => "read again")).toBe("read again");
  });
});
