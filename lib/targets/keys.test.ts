import { describe, expect, it } from "vitest";
import { cannotBeOfFamily, normaliseValue, typeFamily } from "./keys";

describe("key types", () => {
  it.each([
    ["bigint", "integer"],
    ["int(11)", "integer"],
    ["bigint(20) unsigned", "integer"],
    ["UNSIGNED BIG INT", "integer"],
    ["point", "other"],
    ["interval", "other"],
    ["character varying(36)", "text"],
    ["uuid", "uuid"],
  ])("%s is of the %s family", (type, family) => {
    expect(typeFamily(type)).toBe(family);
  });

  it("knows which values no column of a family can hold", () => {
    expect(cannotBeOfFamily("abc", "integer")).toBe(true);
    expect(cannotBeOfFamily("12.5", "integer")).toBe(true);
    expect(cannotBeOfFamily("99999999999999999999999", "integer")).toBe(true);
    expect(cannotBeOfFamily("9007199254740993", "integer")).toBe(false);
    expect(cannotBeOfFamily(9007199254740993n, "integer")).toBe(false);
    expect(cannotBeOfFamily(-42, "integer")).toBe(false);
    expect(cannotBeOfFamily("not-a-uuid", "uuid")).toBe(true);
    expect(cannotBeOfFamily("7D444840-9DC0-11D1-B245-5FFDCE74FAD2", "uuid")).toBe(false);
    expect(cannotBeOfFamily("anything at all", "text")).toBe(false);
    expect(cannotBeOfFamily(null, "integer")).toBe(false);
  });

  it("turns values into the text other databases cast back", () => {
    expect(normaliseValue(12n)).toBe("12");
    expect(normaliseValue(new Date("2026-01-02T03:04:05Z"))).toBe("2026-01-02T03:04:05.000Z");
    expect(normaliseValue(Buffer.from([1, 255]))).toBe("\\x01ff");
  });
});
