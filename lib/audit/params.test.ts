import { describe, expect, it } from "vitest";
import { scrubParams } from "./params";

describe("scrubParams", () => {
  it("keeps ids and options as they are", () => {
    expect(scrubParams({ userId: "abc", roles: ["ops", "dpo"], execute: true, batchSize: 40, note: null })).toEqual({
      userId: "abc",
      roles: ["ops", "dpo"],
      execute: true,
      batchSize: 40,
      note: null,
    });
  });

  it("drops secrets and personal fields by name, whatever their case", () => {
    const input = {
      password: "p",
      newPassword: "p",
      currentPassword: "p",
      secret: "s",
      clientSecret: "s",
      token: "t",
      ApiToken: "t",
      email: "e",
      EMAIL: "e",
      name: "n",
      fullName: "n",
      phone: "1",
      address: "x",
      cookie: "c",
      Authorization: "a",
      id: 1,
    };
    expect(scrubParams(input)).toEqual({ id: 1 });
  });

  it("keeps keys that only contain 'name' (relation names are ids): only the bare name is personal", () => {
    expect(scrubParams({ relationName: "events_account", name: "Mikkel" })).toEqual({ relationName: "events_account" });
  });

  it("masks anything that looks like an e-mail address under any key, inside text and arrays", () => {
    // the mask runs to the next space: punctuation after an address goes with it (masking more is the safe side)
    expect(scrubParams({ note: "for mikkel@example.dk, thanks", list: ["a@b.co", 1] })).toEqual({ note: "for [email] thanks", list: ["[email]", 1] });
  });

  it("records only the keys an action names, and never a named key that is absent", () => {
    expect(scrubParams({ userId: "u", other: "x" }, ["userId", "missing"])).toEqual({ userId: "u" });
    expect(scrubParams({ password: "x" }, ["password"])).toEqual({});
  });

  it("records only own keys when an action names none", () => {
    const input = Object.create({ inherited: "x" }) as Record<string, unknown>;
    input.own = 1;
    expect(scrubParams(input)).toEqual({ own: 1 });
    // a method found through the prototype is no value to record
    expect(scrubParams({ own: 1 }, ["toString"])).toEqual({});
  });

  it("turns bigints and dates into text, and leaves objects out", () => {
    expect(scrubParams({ id: 2n ** 64n, at: new Date("2026-01-02T00:00:00Z"), nested: { userId: "u" }, list: [{ a: 1 }, 2] })).toEqual({
      id: "18446744073709551616",
      at: "2026-01-02T00:00:00.000Z",
      list: [null, 2],
    });
  });

  it("returns nothing for no input", () => {
    expect(scrubParams(undefined)).toEqual({});
    expect(scrubParams(null as unknown as Record<string, unknown>)).toEqual({});
  });

  // Boundaries: everything a caller sends is bounded, keys included.
  it("records at most 50 keys", () => {
    const input = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]));
    const out = scrubParams(input);
    expect(Object.keys(out)).toHaveLength(50);
    expect(out.k49).toBe(49);
    expect(out.k50).toBeUndefined();
  });

  it("cuts keys at 100 characters, strings at 500, arrays at 100 items", () => {
    const long = "k".repeat(150);
    const out = scrubParams({ [long]: "v".repeat(600), list: Array.from({ length: 150 }, (_, i) => i) });
    expect(Object.keys(out)).toContain("k".repeat(100));
    expect(out["k".repeat(100)]).toBe("v".repeat(500));
    expect(out.list).toHaveLength(100);
    expect(scrubParams({ s: "v".repeat(500) }).s).toBe("v".repeat(500));
  });

  it("masks an address that the 500-character cut would split (masked first, then cut)", () => {
    const s = `${"x ".repeat(245)}someone@example.com`;
    expect(scrubParams({ s }).s).toBe(`${"x ".repeat(245)}[email]`);
  });

  it("masks a huge string of address-like text and keeps 500 characters of it", () => {
    const out = scrubParams({ s: "a@".repeat(100_000) });
    expect((out.s as string).length).toBeLessThanOrEqual(500);
  });

  it("makes keys and strings storable: NUL escaped, a lone surrogate replaced", () => {
    expect(scrubParams({ "k\u0000": "a\u0000b\ud800" })).toEqual({ "k\\u0000": "a\\u0000b\ufffd" });
  });
});
