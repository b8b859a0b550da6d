import { describe, expect, it } from "vitest";
import type { LatestScan } from "../store/scans";
import { relationsTouched } from "./refresh";

/** A stored scan of relation `name`: child table → parent table ("target.schema.table"). */
function scan(name: string, child: string, parent: string): LatestScan {
  const [ct, cs, cn] = child.split(".");
  const [pt, ps, pn] = parent.split(".");
  return {
    relation: name,
    origin: "declared",
    childTarget: ct,
    childSchema: cs,
    childTable: cn,
    childColumns: ["x"],
    parentTarget: pt,
    parentSchema: ps,
    parentTable: pn,
    parentColumns: ["id"],
    orphans: 0n,
    childRows: 0n,
    durationMs: 1,
    scannedAt: new Date(0),
    errorKind: null,
    error: null,
    indexAdvice: null,
    sightingsError: null,
  };
}

const fleet = [
  scan("orders_user", "shop.public.orders", "shop.public.users"),
  scan("payments_order", "shop.public.payments", "shop.public.orders"),
  scan("activity_user", "activity.main.events", "shop.public.users"),
  scan("likes_post", "shop.public.likes", "shop.public.posts"),
  scan("edges_symbol", "code.public.edges", "code.public.symbols"),
];

describe("relationsTouched", () => {
  it("takes a touched table's relations and everything below it, across targets, and nothing else", () => {
    expect(relationsTouched(fleet, { tables: [{ target: "shop", schema: "public", table: "users" }] })).toEqual([
      "activity_user",
      "orders_user",
      "payments_order",
    ]);
  });

  it("matches a table named without its schema in any schema of its target", () => {
    expect(relationsTouched(fleet, { tables: [{ target: "shop", table: "orders" }] })).toEqual(["orders_user", "payments_order"]);
    expect(relationsTouched(fleet, { tables: [{ target: "code", table: "orders" }] })).toEqual([]);
  });

  it("takes a named relation and the relations below its child table, and drops names it has never scanned", () => {
    expect(relationsTouched(fleet, { relations: ["orders_user", "gone"] })).toEqual(["orders_user", "payments_order"]);
    expect(relationsTouched(fleet, { relations: ["edges_symbol"] })).toEqual(["edges_symbol"]);
  });

  it("touches nothing for a table no relation involves (only the backlog is measured again)", () => {
    expect(relationsTouched(fleet, { tables: [{ target: "shop", schema: "public", table: "audit_log" }] })).toEqual([]);
    expect(relationsTouched(fleet, {})).toEqual([]);
  });
});
