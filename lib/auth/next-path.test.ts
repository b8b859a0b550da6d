import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

const ORIGIN = "http://localhost:3000";

describe("where sign-in goes next", () => {
  it("keeps a path on this server, with its query and fragment", () => {
    expect(safeNextPath("/relations/shop.payments.order_id?range=7d#preview", ORIGIN)).toBe("/relations/shop.payments.order_id?range=7d#preview");
    expect(safeNextPath(["/audit", "/users"], ORIGIN)).toBe("/audit");
    expect(safeNextPath(`${ORIGIN}/jobs`, ORIGIN)).toBe("/jobs");
    expect(safeNextPath(undefined, ORIGIN)).toBe("/");
  });

  // What `searchParams.next` holds once the query is decoded (%09 is a tab, %5C a backslash).
  it.each([
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "\t//evil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",
    "\\/evil.example/x",
    "/\\/evil.example/x",
    "https:evil.example/x",
    "https://evil.example/x",
    "HTTPS:/\\evil.example",
    "javascript:alert(1)",
    "http://localhost:3000@evil.example/x",
    "http://user:pass@localhost:3000/x",
    "/.//evil.example/x",
    "/%2e//evil.example/x",
    "http://localhost:3001/x",
  ])("sends %j to / instead of another site", (next) => {
    expect(safeNextPath(next, ORIGIN)).toBe("/");
  });
});
