import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/cleanup-fixture";
import { hasPostgres } from "../../test/services";
import { createSoftDeleteFixture, IN_GRACE, LIVE, type SoftDeleteFixture } from "../../test/softdelete-fixture";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { previewRestore, restoreSubject, RestoreRefused } from "./restore";

const DIALECTS = [
  { dialect: "sqlite" as const, available: true },
  { dialect: "postgres" as const, available: hasPostgres },
];

// Support may look at soft-deleted accounts only: a live account's id must tell them nothing.
describe.each(DIALECTS)("the restore preview on $dialect", ({ dialect, available }) => {
  let store: Store;
  let disposeStore: () => Promise<void>;
  let fx: SoftDeleteFixture;
  let tmp: ReturnType<typeof tempDir>;
  let config: Config;
  let pool: TargetPool;
  beforeAll(async () => {
    if (!available) return;
    ({ store, dispose: disposeStore } = await STORE_KINDS[0].open());
    tmp = tempDir();
    fx = await createSoftDeleteFixture(dialect, tmp.dir);
    config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    pool = new TargetPool(config.targets);
  });
  afterAll(async () => {
    await pool?.close();
    await disposeStore?.();
    await fx?.drop();
    tmp?.remove();
  });

  it.runIf(available)("of a live account reveals nothing but 'not found among soft-deleted rows', as for no account at all", async () => {
    const [live] = await fx.query(`SELECT email FROM ${fx.table("users")} WHERE id = ${LIVE} AND deleted_at IS NULL`);
    expect(live.email).toMatch(/@/);
    const preview = await previewRestore(store, config, pool, "fx.users", [String(LIVE)]);
    expect(JSON.stringify(preview)).not.toContain(String(live.email));
    const { key: _k1, ...shown } = preview;
    const { key: _k2, ...none } = await previewRestore(store, config, pool, "fx.users", ["999999"]);
    expect(shown).toEqual(none);
    expect(shown).toEqual({
      table: expect.stringMatching(/^fx\.(\w+\.)?users$/),
      deletedAt: null,
      graceDays: 30,
      graceEndsAt: null,
      unique: { email: null },
      children: [],
      refusal: { code: "not_found", reason: "not found among soft-deleted rows" },
    });
    // a restore of it is refused the same way
    await expect(restoreSubject(store, config, pool, "fx.users", [String(LIVE)])).rejects.toThrow(
      new RestoreRefused("not_found", "not found among soft-deleted rows"),
    );
    // a soft-deleted one still shows what support needs
    expect((await previewRestore(store, config, pool, "fx.users", [String(IN_GRACE)])).unique.email).toMatch(/@/);
  });

  it.runIf(available)("refuses a key of the wrong arity instead of ignoring what does not fit", async () => {
    for (const key of [[String(IN_GRACE), "anything"], []]) {
      await expect(previewRestore(store, config, pool, "fx.users", key)).rejects.toThrow(/the key of fx\.(\w+\.)?users is 1 column \(id\); \d given/);
      await expect(restoreSubject(store, config, pool, "fx.users", key)).rejects.toThrow(/the key of fx\.(\w+\.)?users is 1 column \(id\); \d given/);
    }
    expect((await fx.query(`SELECT deleted_at FROM ${fx.table("users")} WHERE id = ${IN_GRACE}`))[0].deleted_at).not.toBeNull();
  });
});
