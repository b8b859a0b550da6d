import { describe, expect, it } from "vitest";
import { cannotBeOfFamily, integerBounds, normaliseValue, typeFamily } from "./keys";

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
    expect(cannotBeOfFamily("-123456789012345678", "integer")).toBe(false);
    expect(cannotBeOfFamily(" 42 ", "integer")).toBe(false);
    expect(cannotBeOfFamily("18446744073709551615", "integer")).toBe(false);
    expect(cannotBeOfFamily("18446744073709551616", "integer")).toBe(true);
    for (const bad of ["", "-", "1e3", "0x1A", "+5", "4 2", "٤٢"]) expect(cannotBeOfFamily(bad, "integer"), bad).toBe(true);
  });

  it("bounds integer keys as integers, whatever order and form they come in", () => {
    // text walked in text order ("10" < "9"), numbers, bigints beyond 2^53, padded text
    expect(integerBounds(["10", "9", 3, 12n, " 007 "])).toEqual(["3", "12"]);
    expect(integerBounds(["9007199254740993", "9007199254740992", "-5"])).toEqual(["-5", "9007199254740993"]);
    expect(integerBounds(["-9223372036854775808", "18446744073709551615"])).toEqual(["-9223372036854775808", "18446744073709551615"]);
    expect(integerBounds([])).toBeNull();
    // anything that is not plainly an integer: no bounds (the lookup probes key by key)
    for (const bad of [["1e3"], ["0x10"], [""], [1.5], [2 ** 60], [null], ["abc"]]) expect(integerBounds(bad), String(bad)).toBeNull();
  });

  it("turns values into the text other databases cast back", () => {
    expect(normaliseValue(12n)).toBe("12");
    expect(normaliseValue(new Date("2026-01-02T03:04:05Z"))).toBe("2026-01-02T03:04:05.000Z");
    expect(normaliseValue(Buffer.from([1, 255]))).toBe("\\x01ff");
  });
});
