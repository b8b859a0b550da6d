import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, evidenceHash, GENESIS, type EvidenceFields } from "./chain";

const record = (over: Partial<EvidenceFields> = {}): EvidenceFields => ({
  id: 1n,
  requestId: "req-1",
  subject: "shop.users:3002",
  target: "shop",
  schema: "public",
  table: "orders",
  key: ["3002"],
  verifiedAt: new Date("2026-01-02T03:04:05.678Z"),
  verifiedBy: "dpo-1",
  custodianVersion: "1.0.0",
  configHash: "c".repeat(64),
  verdict: "erased",
  residualRows: 0n,
  tables: [{ table: "orders", rows: 0, details: { b: 2, a: 1 } }],
  prevHash: GENESIS,
  ...over,
});

describe("canonicalJson", () => {
  it("sorts object keys at every level, keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(canonicalJson([{ y: 1, x: 2 }, "z"])).toBe('[{"x":2,"y":1},"z"]');
  });

  it("drops undefined members the way JSON does, and writes a top-level undefined as null", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson([undefined])).toBe("[null]");
  });

  it("escapes keys and strings: a key cannot forge structure", () => {
    expect(canonicalJson({ 'a":1,"b': 2 })).toBe('{"a\\":1,\\"b":2}');
    expect(JSON.parse(canonicalJson({ 'a":1,"b': 2 }))).toEqual({ 'a":1,"b': 2 });
  });

  it("orders keys by code unit, not by locale", () => {
    expect(canonicalJson({ b: 1, B: 2, ä: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"ä":3}');
  });
});

describe("evidenceHash", () => {
  it("is sha256 over the canonical document, keys sorted, ids, counts and times as text (a stored contract)", () => {
    const doc =
      `{"configHash":"${"c".repeat(64)}","custodianVersion":"1.0.0","id":"1","key":["3002"],"prevHash":"${GENESIS}","requestId":"req-1",` +
      `"residualRows":"0","schema":"public","subject":"shop.users:3002","table":"orders","tables":[{"details":{"a":1,"b":2},"rows":0,"table":"orders"}],` +
      `"target":"shop","verdict":"erased","verifiedAt":"2026-01-02T03:04:05.678Z","verifiedBy":"dpo-1"}`;
    expect(evidenceHash(record())).toBe(createHash("sha256").update(doc).digest("hex"));
  });

  it("does not depend on the key order of the tables document (the store's JSONB reorders it)", () => {
    const reordered = record({ tables: [{ details: { a: 1, b: 2 }, rows: 0, table: "orders" }] });
    expect(evidenceHash(reordered)).toBe(evidenceHash(record()));
  });

  // Tampering: any one stored field changed changes the hash.
  const tampered: [string, Partial<EvidenceFields>][] = [
    ["id (a record moved)", { id: 2n }],
    ["requestId", { requestId: null }],
    ["subject", { subject: "shop.users:3003" }],
    ["target", { target: "shop2" }],
    ["schema", { schema: "other" }],
    ["table", { table: "payments" }],
    ["key", { key: ["3002", "1"] }],
    ["verifiedAt, by one millisecond", { verifiedAt: new Date("2026-01-02T03:04:05.679Z") }],
    ["verifiedBy", { verifiedBy: "dpo-2" }],
    ["custodianVersion", { custodianVersion: "1.0.1" }],
    ["configHash", { configHash: "d".repeat(64) }],
    ["verdict", { verdict: "residual" }],
    ["residualRows", { residualRows: 1n }],
    ["tables (a count)", { tables: [{ table: "orders", rows: 1, details: { b: 2, a: 1 } }] }],
    ["tables (an entry removed)", { tables: [] }],
    ["prevHash (a record slipped in or removed before it)", { prevHash: "1".repeat(64) }],
  ];
  it.each(tampered)("changes when %s is changed", (_, over) => {
    expect(evidenceHash(record(over))).not.toBe(evidenceHash(record()));
  });

  it("tells a key split differently apart (no ambiguous concatenation)", () => {
    expect(evidenceHash(record({ key: ["30", "02"] }))).not.toBe(evidenceHash(record({ key: ["3002"] })));
    expect(evidenceHash(record({ key: ["a,b"] }))).not.toBe(evidenceHash(record({ key: ["a", "b"] })));
  });

  it("keeps bigints exact past 2^53", () => {
    const big = 2n ** 53n + 1n;
    expect(evidenceHash(record({ id: big }))).not.toBe(evidenceHash(record({ id: big - 1n })));
    expect(evidenceHash(record({ residualRows: big }))).not.toBe(evidenceHash(record({ residualRows: big - 1n })));
  });

  it("chains: each record's hash depends on the one before", () => {
    const first = evidenceHash(record());
    const second = evidenceHash(record({ id: 2n, prevHash: first }));
    const secondAfterForgedFirst = evidenceHash(record({ id: 2n, prevHash: evidenceHash(record({ verdict: "residual" })) }));
    expect(second).not.toBe(secondAfterForgedFirst);
    expect(GENESIS).toBe("0".repeat(64));
  });
});
