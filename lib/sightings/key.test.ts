import { describe, expect, it } from "vitest";
import { normaliseValue } from "../targets/keys";
import { sightingKey } from "./record";

describe("sightingKey", () => {
  it("writes one-column keys as the JSON array of their values' text, as the general form does", () => {
    const values: unknown[] = [
      0,
      -7,
      42,
      1.5,
      1e21,
      -0,
      Number.NaN,
      9007199254740993n,
      -12n,
      "42",
      'a"b\\c\n',
      "é ✓",
      null,
      undefined,
      true,
      new Date(0),
      Buffer.from([1, 255]),
    ];
    for (const v of values) expect(sightingKey([v])).toBe(JSON.stringify([normaliseValue(v)]));
    expect(sightingKey([7])).toBe('["7"]');
    expect(sightingKey([7])).toBe(sightingKey(["7"]));
  });

  it("writes several columns as a JSON array of their texts", () => {
    expect(sightingKey(["acme", 7])).toBe('["acme","7"]');
    expect(sightingKey([1n, null])).toBe(JSON.stringify(["1", "\u0000null"]));
  });
});
