import { describe, expect, it } from "vitest";
import { relationListQuery, searchRelations, sortRelations } from "./relation-list";
import type { RelationRow } from "./relations";

const row = (relation: string, o: Partial<RelationRow> = {}): RelationRow =>
  ({
    relation,
    origin: "declared",
    childTarget: "shop",
    childSchema: "public",
    childTable: relation.split(".")[1] ?? relation,
    childColumns: ["x"],
    parentTarget: "shop",
    parentSchema: "public",
    parentTable: "users",
    parentColumns: ["id"],
    orphans: 0n,
    childRows: 10n,
    durationMs: 5,
    scannedAt: new Date(0),
    errorKind: null,
    error: null,
    indexAdvice: null,
    sightingsError: null,
    delta24h: null,
    spark: [],
    alerts: [],
    ...o,
  }) as RelationRow;

const rows = [
  row("shop.payments.order_id", { orphans: 3n, parentTable: "orders", delta24h: 1, durationMs: 40 }),
  row("crm.activity.customer_id", { childTarget: "crm", parentTarget: "crm", orphans: 1200n, delta24h: 300, durationMs: 9 }),
  row("shop.posts.user_id", { orphans: 0n, childRows: 5000n }),
  row("shop.broken.x", { error: "no such table", errorKind: "unknown_table" }),
];
const names = (rs: RelationRow[]) => rs.map((r) => r.relation);

describe("the relations list", () => {
  it("searches name, table and target, every word, ignoring case", () => {
    expect(names(searchRelations(rows, "CRM"))).toEqual(["crm.activity.customer_id"]);
    expect(names(searchRelations(rows, "orders"))).toEqual(["shop.payments.order_id"]);
    expect(names(searchRelations(rows, "shop users"))).toEqual(["shop.posts.user_id", "shop.broken.x"]);
    expect(searchRelations(rows, "  ")).toHaveLength(4);
    expect(searchRelations(rows, "nothing-like-it")).toEqual([]);
  });

  it("sorts by any column, numbers largest first by default, failures above every count", () => {
    expect(names(sortRelations(rows, "orphans"))).toEqual(["shop.broken.x", "crm.activity.customer_id", "shop.payments.order_id", "shop.posts.user_id"]);
    expect(names(sortRelations(rows, "orphans", "asc"))[0]).toBe("shop.posts.user_id");
    expect(names(sortRelations(rows))).toEqual(["crm.activity.customer_id", "shop.broken.x", "shop.payments.order_id", "shop.posts.user_id"]);
    expect(names(sortRelations(rows, "childRows"))[0]).toBe("shop.posts.user_id");
    expect(names(sortRelations(rows, "took"))[0]).toBe("shop.payments.order_id");
    expect(names(sortRelations(rows, "delta"))).toEqual(["crm.activity.customer_id", "shop.payments.order_id", "shop.broken.x", "shop.posts.user_id"]);
  });

  it("reads its state from the URL and ignores what it does not know", () => {
    expect(relationListQuery.parse({ q: " shop ", sort: "orphans", dir: "asc" })).toEqual({ q: "shop", sort: "orphans", dir: "asc" });
    expect(relationListQuery.parse({ sort: "DROP TABLE", dir: "sideways" })).toEqual({ q: undefined, sort: undefined, dir: undefined });
  });
});
