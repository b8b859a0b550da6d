import { describe, expect, it } from "vitest";
import { thin } from "./series";

describe("thinning a series", () => {
  it("keeps short series whole", () => {
    expect(thin([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });
  it("keeps at most n points, the last of each span, and always the newest", () => {
    const times = Array.from({ length: 8760 }, (_, i) => i * 3600_000);
    const out = thin(times, 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out.length).toBeGreaterThan(100);
    expect(out[out.length - 1]).toBe(times[times.length - 1]);
    expect([...out].sort((a, b) => a - b)).toEqual(out);
  });
});
