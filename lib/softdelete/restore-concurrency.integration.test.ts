import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/cleanup-fixture";
import { hasMysql, hasPostgres } from "../../test/services";
import { COMMENTS_PER_POST, createSoftDeleteFixture, IN_GRACE, type SoftDeleteFixture } from "../../test/softdelete-fixture";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import type { Config, Dialect } from "../config/types";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { restoreSubject, RestoreRefused } from "./restore";

// Every dialect a target can be: the embedded ones share one connection (PGlite) or one
// file (SQLite) between every pool of the process, the servers lock the subject's row.
const DIALECTS: { dialect: Dialect; available: boolean }[] = [
  { dialect: "pglite", available: true },
  { dialect: "sqlite", available: true },
  { dialect: "postgres", available: hasPostgres },
  { dialect: "mysql", available: hasMysql },
];
const CONCURRENT = 4;
// the subject's cascade in its own database: posts, their comments, its comment, its orders; and in the activity database
const CASCADE_ROWS = 3 + 3 * COMMENTS_PER_POST + 1 + 2 + 3 + 3;

describe.each(DIALECTS)("concurrent restores of one account on $dialect", ({ dialect, available }) => {
  let store: Store;
  let disposeStore: () => Promise<void>;
  let fx: SoftDeleteFixture;
  let tmp: ReturnType<typeof tempDir>;
  let config: Config;
  beforeAll(async () => {
    if (!available) return;
    ({ store, dispose: disposeStore } = await STORE_KINDS[0].open());
    tmp = tempDir();
    fx = await createSoftDeleteFixture(dialect, tmp.dir);
    config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
  });
  afterAll(async () => {
    await disposeStore?.();
    await fx?.drop();
    tmp?.remove();
  });

  const stamped = async (table: string, where: string) =>
    Number((await fx.query(`SELECT count(*) AS n FROM ${fx.table(table)} WHERE deleted_at IS NOT NULL AND ${where}`))[0].n);

  /** Four restores at once; exactly one brings the account back, the others are refused as for any live account (which a restore does not tell apart from one that never existed). */
  async function restoreConcurrently(pools: TargetPool[], key: number) {
    const outcomes = await Promise.allSettled(pools.map((pool) => restoreSubject(store, config, pool, "fx.users", [String(key)])));
    const succeeded = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(refused.map((o) => (o.reason instanceof RestoreRefused ? o.reason.code : String(o.reason)))).toEqual(Array(CONCURRENT - 1).fill("not_found"));
    expect(succeeded).toHaveLength(1);
    const [only] = succeeded as PromiseFulfilledResult<Awaited<ReturnType<typeof restoreSubject>>>[];
    expect(only.value.failed).toEqual([]);
    expect(only.value.restored.reduce((s, t) => s + t.rows, 0)).toBe(CASCADE_ROWS);
    expect(await stamped("users", `id = ${key}`)).toBe(0);
    expect(await stamped("orders", `user_id = ${key}`)).toBe(0);
  }

  it.runIf(available)("one pool each (as concurrent web requests): exactly one restores, the others are refused", async () => {
    const pools = Array.from({ length: CONCURRENT }, () => new TargetPool(config.targets));
    try {
      await restoreConcurrently(pools, IN_GRACE);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it.runIf(available)("one shared pool: exactly one restores, the others are refused", async () => {
    // soft-delete the account again (alone: nothing below it comes back with it this time)
    const pool = new TargetPool(config.targets);
    try {
      const { sql } = await import("kysely");
      const now = new Date().toISOString().replace("T", " ").slice(0, 19);
      const stamp = dialect === "sqlite" || dialect === "mysql" ? now : `${now}+00`;
      await (await pool.get("fx")).query(sql`UPDATE ${sql.raw(fx.table("users"))} SET deleted_at = ${stamp} WHERE id = ${IN_GRACE}`);
      expect(await stamped("users", `id = ${IN_GRACE}`)).toBe(1);
      const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => restoreSubject(store, config, pool, "fx.users", [String(IN_GRACE)])));
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(
        Array(CONCURRENT - 1).fill("not_found"),
      );
      expect(await stamped("users", `id = ${IN_GRACE}`)).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
