import { randomBytes } from "node:crypto";
import { sql, type RawBuilder } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, POSTGRES_URL, postgresAdmin } from "../../../test/services";
import { deleteStillOrphans, sameTargetCandidates } from "../features/cleanup";
import { openTarget } from "../open";
import type { ColumnsRef, Target } from "../types";

/**
 * The plans PostgreSQL picks for a cleanup batch's statements when its statistics are
 * stale in the way they always are when orphans appear: analysed while every child had its
 * parent, then the parents deleted. The planner then guesses that the anti join keeps about
 * one row, so a LIMIT 1000 can never stop early, and hashes the whole parent table for every
 * batch (0.4–0.9 s a batch in bench:cleanup, where probing the parent's key index per row
 * takes 2 ms). The PostgreSQL dialect's probe (`fenced_not_exists`) must keep both statements
 * an index walk with a per-row probe whatever the statistics say.
 */

interface PlanNode {
  "Node Type": string;
  "Join Type"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe.runIf(hasPostgres)("cleanup statements' plans on PostgreSQL with stale statistics", () => {
  const schema = `cust_plans_${randomBytes(4).toString("hex")}`;
  const child: ColumnsRef = { schema, table: "child", columns: ["parent_id"] };
  const parent: ColumnsRef = { schema, table: "parent", columns: ["id"] };
  let target: Target;

  beforeAll(async () => {
    await postgresAdmin(`CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.parent (id bigint PRIMARY KEY) WITH (autovacuum_enabled = false);
      CREATE TABLE ${schema}.child (id bigint PRIMARY KEY, parent_id bigint) WITH (autovacuum_enabled = false);
      INSERT INTO ${schema}.parent SELECT i FROM generate_series(1, 100000) i;
      INSERT INTO ${schema}.child SELECT i, (i % 100000) + 1 FROM generate_series(1, 100000) i;
      CREATE INDEX ON ${schema}.child (parent_id);
      ANALYZE ${schema}.parent;
      ANALYZE ${schema}.child;
      DELETE FROM ${schema}.parent WHERE id % 2 = 0;`);
    target = await openTarget({ name: "pg", dialect: "postgres", url: POSTGRES_URL });
  });
  afterAll(async () => {
    await target?.close();
    await postgresAdmin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  const plan = async (statement: RawBuilder<unknown>): Promise<PlanNode[]> => {
    const [row] = await target.query(sql<Record<string, unknown>>`EXPLAIN (FORMAT JSON) ${statement}`);
    const json = row["QUERY PLAN"];
    const parsed = (typeof json === "string" ? JSON.parse(json) : json) as { Plan: PlanNode }[];
    return nodes(parsed[0].Plan);
  };
  const hashesTheParent = (plan: PlanNode[]) =>
    plan.some((n) => n["Node Type"] === "Hash" || (n["Node Type"] === "Seq Scan" && n["Relation Name"] === "parent"));
  const candidates = (probe: Target["orphanProbe"]) => sameTargetCandidates(child, ["id"], parent, target.parentLive("p"), [10], 1000, probe);

  it("an unfenced NOT EXISTS is planned as a hash anti join over the whole parent (the trap this guards against)", async () => {
    const p = await plan(candidates("not_exists"));
    expect(p.some((n) => n["Join Type"] === "Anti")).toBe(true);
    expect(hashesTheParent(p)).toBe(true);
  });

  it("the dialect's probe keeps a batch's candidates an index walk probing the parent's key per row", async () => {
    expect(target.orphanProbe).toBe("fenced_not_exists");
    const p = await plan(candidates(target.orphanProbe));
    expect(hashesTheParent(p)).toBe(false);
    expect(p.some((n) => n["Node Type"] === "Index Scan" && n["Relation Name"] === "child")).toBe(true);
  });

  it("and the batch's DELETE, its keys bound as arrays, finds its rows by primary key and probes per row", async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ pk: [2 * i + 2], key: [((2 * i + 2) % 100000) + 1] }));
    const statement = deleteStillOrphans(target.deleteFromAliased({ schema, table: "child" }, "c"), {
      child,
      pk: ["id"],
      rows,
      parent: { ref: parent, live: target.parentLive("p"), probe: target.orphanProbe },
      keyLists: target.keyLists,
    });
    const p = await plan(statement);
    expect(hashesTheParent(p)).toBe(false);
    // An index scan or a bitmap of the key arrays over the child's indexes: never a read of a whole table.
    expect(p.some((n) => n["Node Type"] === "Seq Scan")).toBe(false);
  });
});
