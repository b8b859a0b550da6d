import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHILD, createCleanupFixture, PLAIN, TAGS, tempDir, type CleanupFixture } from "../../test/cleanup-fixture";
import { readOnlyUser, type ReadOnlyUser } from "../../test/read-only-user";
import { hasMysql, hasPostgres } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { previewCleanup } from "./preview";
import { startCleanup } from "./start";

const DIALECTS = [
  { dialect: "postgres" as const, available: hasPostgres },
  { dialect: "mysql" as const, available: hasMysql },
];

describe.each(DIALECTS)("a cleanup whose database user may not delete ($dialect)", ({ dialect, available }) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let fx: CleanupFixture;
  let tmp: ReturnType<typeof tempDir>;
  let user: ReadOnlyUser;
  let schema: string;
  let config: Config;
  let admin: Config;

  beforeAll(async () => {
    if (!available) return;
    ({ store, dispose } = await STORE_KINDS[0].open());
    tmp = tempDir();
    fx = await createCleanupFixture(dialect, tmp.dir);
    admin = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    schema = fx.connections?.server === "mysql" ? fx.connections.database : admin.relations[0].child.schema!;
    user = await readOnlyUser(dialect, schema);
    config = loadConfig(fx.configFile, { ...process.env, ...fx.env, FX_URL: user.url });
  });
  afterAll(async () => {
    await user?.drop();
    await fx?.drop();
    await dispose?.();
    tmp?.remove();
  });

  async function preview(c: Config, name: string) {
    const pool = new TargetPool(c.targets);
    try {
      const relation = (await resolveRelations(c, pool)).relations.find((r) => r.name === name)!;
      return await previewCleanup(store, c, pool, relation);
    } finally {
      await pool.close();
    }
  }

  it.skipIf(!available)("reads the user's privileges from the catalogs: read yes, delete and DDL no", async () => {
    const pool = new TargetPool(config.targets);
    try {
      const target = await pool.get("fx");
      const [child, missing] = await target.privileges([
        { schema: schema, table: CHILD },
        { schema: schema, table: "no such table" },
      ]);
      expect(child).toMatchObject({ table: CHILD, exists: true, select: true, update: false, delete: false, ddl: false });
      expect(missing).toMatchObject({ exists: false, select: false, delete: false });
      expect(await target.serverVersion()).toMatch(dialect === "postgres" ? /^PostgreSQL \d+/ : /MariaDB|^\d+\./);
    } finally {
      await pool.close();
    }
  });

  it.skipIf(!available)("says in the preview which DELETE is missing, on the child and on the rows below it", async () => {
    const p = await preview(config, "events_account");
    expect(p.eligible).toBeGreaterThan(0);
    expect(p.missingPrivileges.map((m) => `${m.table.table}:${m.privilege}`).sort()).toEqual([`${CHILD}:delete`, `${TAGS}:delete`].sort());
    // The fixture's owner may do everything: nothing to say.
    expect((await preview(admin, "events_account")).missingPrivileges).toEqual([]);
  });

  it.skipIf(!available)("refuses to start the job, so nothing is discovered half-way", async () => {
    await expect(startCleanup(store, config, "plain_account", { requestedBy: "u-ops" })).rejects.toThrow(/lacks .*DELETE on .*Plain "Events"/);
    expect(await store.prisma.cleanupJob.count({ where: { relation: "plain_account" } })).toBe(0);
  });

  it.skipIf(!available)("says nothing once DELETE is granted on the table", async () => {
    await user.grantDelete(PLAIN);
    expect((await preview(config, "plain_account")).missingPrivileges).toEqual([]);
  });
});
