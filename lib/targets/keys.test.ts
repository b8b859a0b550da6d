import { describe, expect, it } from "vitest";
import { cannotBeOfFamily, integerBounds, integerRange, jsonKeyList, normaliseValue, outsideRange, typeFamily } from "./keys";

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

describe("integerRange and outsideRange", () => {
  it("knows each dialect's integer types", () => {
    expect(integerRange("tinyint(4)")).toMatchObject({ min: -128n, max: 127n });
    expect(integerRange("tinyint(3) unsigned")).toMatchObject({ min: 0n, max: 255n });
    expect(integerRange("smallint")).toMatchObject({ min: -32768n, max: 32767n });
    expect(integerRange("mediumint(8) unsigned")).toMatchObject({ min: 0n, max: 16777215n });
    expect(integerRange("int(11)")).toMatchObject({ min: -2147483648n, max: 2147483647n });
    expect(integerRange("integer")).toMatchObject({ min: -2147483648n, max: 2147483647n });
    expect(integerRange("int4")).toMatchObject({ min: -2147483648n, max: 2147483647n });
    expect(integerRange("bigint(20) unsigned")).toMatchObject({ min: 0n, max: 18446744073709551615n });
    expect(integerRange("bigint")).toMatchObject({ min: -9223372036854775808n, max: 9223372036854775807n });
    expect(integerRange("int8")).toMatchObject({ min: -9223372036854775808n, max: 9223372036854775807n });
    expect(integerRange("bigserial")).toMatchObject({ min: -9223372036854775808n, max: 9223372036854775807n });
    expect(integerRange("bigint")!.wide).toBe(true);
    expect(integerRange("bigint unsigned")!.wide).toBe(false);
    expect(integerRange("varchar(20)")).toBeNull();
    expect(integerRange("interval")).toBeNull();
    expect(integerRange("point")).toBeNull();
  });

  it("says which keys no row of the type can hold, whatever form they come in", () => {
    const int = integerRange("int")!;
    for (const v of [2147483647, "2147483647", 2147483647n, -2147483648, " -2147483648 ", 0, "0", null]) expect(outsideRange(v, int), String(v)).toBe(false);
    for (const v of [2147483648, "2147483648", 2147483648n, -2147483649, "-2147483649", "99999999999999999999", 2 ** 60])
      expect(outsideRange(v, int), String(v)).toBe(true);
    const u64 = integerRange("bigint unsigned")!;
    expect(outsideRange("18446744073709551615", u64)).toBe(false);
    expect(outsideRange("18446744073709551616", u64)).toBe(true);
    expect(outsideRange(-1, u64)).toBe(true);
    const i64 = integerRange("bigint")!;
    expect(outsideRange("9223372036854775807", i64)).toBe(false);
    expect(outsideRange("9223372036854775808", i64)).toBe(true);
    expect(outsideRange("-9223372036854775809", i64)).toBe(true);
  });

  it("carries a key list as JSON only where every key comes back exactly", () => {
    expect(jsonKeyList([1, 9007199254740993n, -5n, 'it\'s "quoted"', "2"])).toBe('[1,9007199254740993,-5,"it\'s \\"quoted\\"","2"]');
    expect(jsonKeyList([])).toBe("[]");
    // a real, a double past 2^53, a blob, a null: one parameter each
    expect(jsonKeyList([1, 2.5])).toBeNull();
    expect(jsonKeyList([2 ** 53])).toBeNull();
    expect(jsonKeyList([Buffer.from("ab")])).toBeNull();
    expect(jsonKeyList([null])).toBeNull();
  });
});
