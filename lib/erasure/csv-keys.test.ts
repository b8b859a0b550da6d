import { describe, expect, it } from "vitest";
import { KeyListError, parseKeyCsv } from "./csv-keys";

describe("key lists from CSV", () => {
  it("reads one key per line, skips a header, blank lines and repeats", () => {
    expect(parseKeyCsv("id\r\n3047\n\n3002\n3047\n", ["id"])).toEqual([["3047"], ["3002"]]);
  });
  it("reads composite and quoted keys", () => {
    expect(parseKeyCsv('org,user_no\n"acme, inc",7\n"say ""hi""",8', ["org", "user_no"])).toEqual([
      ["acme, inc", "7"],
      ['say "hi"', "8"],
    ]);
  });
  it("names the line of a malformed key", () => {
    expect(() => parseKeyCsv("1\n2,3\n", ["id"])).toThrow(new KeyListError("line 2: expected 1 value(s) (id), found 2"));
    expect(() => parseKeyCsv('"open\n', ["id"])).toThrow(/line 1: a quoted value is not closed/);
    expect(() => parseKeyCsv("\n\n", ["id"])).toThrow(/no keys/);
  });
});
