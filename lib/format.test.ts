import { describe, expect, it } from "vitest";
import { formatProgress } from "./format";

describe("formatProgress", () => {
  it("says done of total once the total is known", () => {
    expect(formatProgress(5, 17, "relations")).toBe("5 of 17 relations");
    expect(formatProgress(undefined, 1200, "requests")).toBe("0 of 1,200 requests");
  });

  it("never shows an unknown total as ?", () => {
    expect(formatProgress(0, undefined, "relations")).toBe("starting…");
    expect(formatProgress(undefined, null, "relations")).toBe("starting…");
    expect(formatProgress(3, null, "relations")).toBe("3 relations so far");
    expect(formatProgress(0, 0, "relations")).not.toContain("?");
  });
});
