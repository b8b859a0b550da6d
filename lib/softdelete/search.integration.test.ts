import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/cleanup-fixture";
import { hasPostgres } from "../../test/services";
import { createSoftDeleteFixture, DUP_LIVE, PAST_GRACE, type SoftDeleteFixture } from "../../test/softdelete-fixture";
import { loadConfig } from "../config/load";
import type { Config } from "../config/types";
import { TargetPool } from "../targets/pool";
import { searchSoftDeleted } from "./search";
import { configName } from "./tables";

// SQLite and PostgreSQL compare text case-sensitively: the search must not.
const DIALECTS = [
  { dialect: "sqlite" as const, available: true },
  { dialect: "postgres" as const, available: hasPostgres },
];

describe.each(DIALECTS)("support's search by email ($dialect)", ({ dialect, available }) => {
  let fx: SoftDeleteFixture;
  let tmp: ReturnType<typeof tempDir>;
  let config: Config;
  let pool: TargetPool;
  let table: string;
  beforeAll(async () => {
    if (!available) return;
    tmp = tempDir();
    fx = await createSoftDeleteFixture(dialect, tmp.dir);
    config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    pool = new TargetPool(config.targets);
    table = configName(config.softDelete[0]);
  });
  afterAll(async () => {
    await pool?.close();
    await fx?.drop();
    tmp?.remove();
  });

  it.skipIf(!available)("finds a deleted account whatever the case of the email typed", async () => {
    for (const typed of [`user${PAST_GRACE}@example.com`, `User${PAST_GRACE}@Example.COM`, `USER${PAST_GRACE}@EXAMPLE.COM`]) {
      expect(await searchSoftDeleted(config, pool, table, typed), typed).toEqual([expect.objectContaining({ key: [String(PAST_GRACE)], by: "email" })]);
    }
  });

  it.skipIf(!available)("still never finds a live account, in any case", async () => {
    expect(await searchSoftDeleted(config, pool, table, "USER1@EXAMPLE.COM")).toEqual([]);
    // the live holder of a reused email stays hidden; only the deleted one is found
    const hits = await searchSoftDeleted(config, pool, table, "DUP@example.com");
    expect(hits.map((h) => h.key[0])).not.toContain(String(DUP_LIVE));
    expect(hits).toHaveLength(1);
  });
});
