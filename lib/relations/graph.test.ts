import { describe, expect, it } from "vitest";
import { dependentTree, subjectGraph, tableKey } from "./graph";
import type { Relation } from "./types";

const rel = (name: string, child: string, parent: string, onParentRemoved?: "cascade" | "set_null" | "protect"): Relation => {
  const end = (s: string) => {
    const [target, schema, table] = s.split("/");
    return { target, schema, table, columns: ["id"] };
  };
  return {
    name,
    origin: "configured",
    child: end(child),
    parent: end(parent),
    config: onParentRemoved ? ({ cleanup: { onParentRemoved } } as Relation["config"]) : undefined,
  };
};

describe("dependentTree", () => {
  it("follows cascades transitively and across targets, and stops below a dependent that stays", () => {
    const relations = [
      rel("orders→users", "shop/public/orders", "shop/public/users"),
      rel("payments→orders", "shop/public/payments", "shop/public/orders"),
      rel("events→users", "log/main/events", "shop/public/users", "set_null"),
      rel("notes→events", "log/main/notes", "log/main/events"),
    ];
    const tree = dependentTree(relations, { target: "shop", schema: "public", table: "users" });
    const shape = (nodes: typeof tree.nodes): unknown[] => nodes.map((n) => [n.relation.name, n.policy, n.sameTarget, shape(n.children)]);
    expect(shape(tree.nodes)).toEqual([
      ["orders→users", "cascade", true, [["payments→orders", "cascade", true, []]]],
      ["events→users", "set_null", false, []],
    ]);
    expect(tree.cycles).toEqual([]);
  });

  it("describes a reference cycle and does not follow it", () => {
    const relations = [rel("a→b", "t/s/a", "t/s/b"), rel("b→a", "t/s/b", "t/s/a")];
    const tree = dependentTree(relations, { target: "t", schema: "s", table: "b" });
    expect(tree.nodes.map((n) => n.relation.name)).toEqual(["a→b"]);
    expect(tree.cycles).toEqual(["t:s.b → t:s.a → t:s.b (via b→a)"]);
  });

  it("tells apart tables whose names only differ in where the dot falls (no false cycle)", () => {
    // "a:b.c.d" would name both tables in the "target:schema.table" format.
    const relations = [rel("x→y", "a/b/c.d", "a/b.c/d")];
    const tree = dependentTree(relations, { target: "a", schema: "b.c", table: "d" });
    expect(tree.cycles).toEqual([]);
    expect(tree.nodes.map((n) => n.relation.name)).toEqual(["x→y"]);
  });
});

describe("subjectGraph", () => {
  it("orders each table after every table it is reached from, and sets cycles aside", () => {
    const relations = [
      rel("orders→users", "shop/public/orders", "shop/public/users"),
      rel("items→orders", "shop/public/items", "shop/public/orders"),
      rel("items→users", "shop/public/items", "shop/public/users"),
      rel("replies", "shop/public/orders", "shop/public/orders"),
    ];
    const g = subjectGraph({ target: "shop", schema: "public", table: "users" }, relations);
    expect(g.order.map((t) => t.table)).toEqual(["users", "orders", "items"]);
    expect(g.cycles.map((r) => r.name)).toEqual(["replies"]);
    expect(
      g.incoming
        .get(tableKey({ target: "shop", schema: "public", table: "items" }))
        ?.map((r) => r.name)
        .sort(),
    ).toEqual(["items→orders", "items→users"]);
  });
});
