import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { resolveRelations } from "../relations/resolve";
import { TargetPool } from "../targets/pool";
import { relationStatements } from "./statements";

/** The relation page's "SQL it runs" is what a scan sends, not a simpler relative of it. */
describe("the statements a relation's page shows", () => {
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let pool: TargetPool;
  beforeAll(async () => {
    demo = await privateDemo();
    pool = new TargetPool(demo.config.targets);
  });
  afterAll(async () => {
    await pool?.close();
    demo?.dispose();
  });

  const statementsOf = async (name: string) =>
    relationStatements(
      (await resolveRelations(demo.config, pool)).relations.find((r) => r.name === name)!,
      pool,
    );

  it("across databases: the packed page walk, and the integer lookup with its batch's range", async () => {
    // customer_email_links (SQLite) → users.id (PGlite, bigint)
    const [walk, lookup] = await statementsOf("email_link_profile");
    expect(walk.sql).toMatch(/json_group_array/);
    expect(lookup.sql).toMatch(/unnest\(/);
    expect(lookup.sql).toMatch(/BETWEEN CAST\(\$\d+ AS bigint\) AND CAST\(\$\d+ AS bigint\)/);
  });

  it("inside one database: one set-based count", async () => {
    const statements = await statementsOf("shop.orders.user_id");
    expect(statements).toHaveLength(1);
    expect(statements[0].sql).toMatch(/LEFT JOIN/);
  });
});
