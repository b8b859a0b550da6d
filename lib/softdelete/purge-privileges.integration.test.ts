import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOnlyUser, type ReadOnlyUser } from "../../test/read-only-user";
import { hasMysql, hasPostgres } from "../../test/services";
import { createSoftDeleteFixture, type SoftDeleteFixture } from "../../test/softdelete-fixture";
import { tempDir } from "../../test/cleanup-fixture";
import { loadConfig } from "../config/load";
import type { Config } from "../config/types";
import { assertPurgePrivileges, missingPurgePrivileges } from "./purge-privileges";
import { configName } from "./tables";

const DIALECTS = [
  { dialect: "postgres" as const, available: hasPostgres },
  { dialect: "mysql" as const, available: hasMysql },
];

describe.each(DIALECTS)("a purge whose database user may not delete ($dialect)", ({ dialect, available }) => {
  let fx: SoftDeleteFixture;
  let tmp: ReturnType<typeof tempDir>;
  let user: ReadOnlyUser;
  let config: Config;
  let admin: Config;
  let table: string;

  beforeAll(async () => {
    if (!available) return;
    tmp = tempDir();
    fx = await createSoftDeleteFixture(dialect, tmp.dir);
    admin = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    const schema = admin.softDelete[0].schema ?? new URL(fx.env.FX_URL).pathname.slice(1);
    user = await readOnlyUser(dialect, schema);
    config = loadConfig(fx.configFile, { ...process.env, ...fx.env, FX_URL: user.url });
    table = configName(config.softDelete[0]);
  });
  afterAll(async () => {
    await user?.drop();
    await fx?.drop();
    tmp?.remove();
  });

  it.skipIf(!available)("names the missing DELETE before the purge starts, and refuses to start it", async () => {
    const missing = await missingPurgePrivileges(config, table);
    expect(missing.filter((m) => m.target === "fx").map((m) => m.privilege)).not.toContain("select");
    expect(missing).toContainEqual(expect.objectContaining({ target: "fx", table: expect.objectContaining({ table: "users" }), privilege: "delete" }));
    // the activity database is a SQLite file this process may write: nothing missing there
    expect(missing.filter((m) => m.target === "activity")).toEqual([]);
    await expect(assertPurgePrivileges(config, table)).rejects.toThrow(/lacks .*DELETE on .*users/);
  });

  it.skipIf(!available)("says nothing for a user that may do it all", async () => {
    expect(await missingPurgePrivileges(admin, table)).toEqual([]);
    await assertPurgePrivileges(admin, table);
  });
});
