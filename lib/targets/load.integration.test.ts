import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TargetSpec } from "../config/types";
import { hasMysql, hasPostgres, MYSQL_URL, POSTGRES_URL, postgresAdmin } from "../../test/services";
import { isTargetError } from "./errors";
import { openTarget } from "./open";

/**
 * The real probe statements throttling sends (postgres/load.ts, mysql/load.ts), against the
 * real servers: their shape as an administrator, and what a role without monitoring
 * privileges gets. No replica runs here, so lag reads null (none to report) on a primary.
 */
describe.runIf(hasPostgres)("throttle probes on PostgreSQL", () => {
  const role = `cust_probe_${randomBytes(4).toString("hex")}`;
  beforeAll(() => postgresAdmin(`CREATE ROLE ${role} LOGIN`));
  afterAll(() => postgresAdmin(`DROP ROLE IF EXISTS ${role}`));

  const as = (user: string | null): TargetSpec => {
    const u = new URL(POSTGRES_URL);
    if (user) u.username = user;
    return { name: "pg", dialect: "postgres", url: u.toString() };
  };

  it("reads no lag on a primary without replicas and counts the active backends, as an administrator and as a plain role", async () => {
    for (const user of [null, role]) {
      const target = await openTarget(as(user));
      try {
        const load = await target.readLoad();
        expect(load.replicaLagMs).toBeNull();
        expect(Number.isInteger(load.threadsRunning)).toBe(true);
        expect(load.threadsRunning).toBeGreaterThanOrEqual(0);
      } finally {
        await target.close();
      }
    }
  });
});

describe.runIf(hasMysql)("throttle probes on MariaDB/MySQL", () => {
  const user = `cust_probe_${randomBytes(4).toString("hex")}`;
  const admin = () => mysql.createConnection({ uri: MYSQL_URL });
  beforeAll(async () => {
    const c = await admin();
    await c.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
    await c.query(`CREATE USER '${user}'@'localhost' IDENTIFIED BY 'pw'`);
    await c.end();
  });
  afterAll(async () => {
    const c = await admin();
    await c.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await c.query(`DROP USER IF EXISTS '${user}'@'localhost'`);
    await c.end();
  });

  const as = (who: string | null): TargetSpec => {
    const u = new URL(MYSQL_URL);
    if (who) {
      u.username = who;
      u.password = "pw";
      u.pathname = "/";
    }
    return { name: "maria", dialect: "mysql", url: u.toString() };
  };

  it("reads no lag where the server replicates from nothing, and Threads_running (less the probe's own)", async () => {
    const target = await openTarget(as(null));
    try {
      const load = await target.readLoad();
      expect(load.replicaLagMs).toBeNull();
      expect(Number.isInteger(load.threadsRunning)).toBe(true);
      expect(load.threadsRunning).toBeGreaterThanOrEqual(0);
    } finally {
      await target.close();
    }
  });

  it("says which privilege is missing when the account may not read replica status, instead of reading no lag", async () => {
    const target = await openTarget(as(user));
    try {
      const err = await target.readLoad().then(
        () => null,
        (e: unknown) => e,
      );
      expect(isTargetError(err) && err.kind).toBe("permission_denied");
      expect((err as Error).message).toMatch(/maria: .*(SLAVE MONITOR|REPLICATION CLIENT|SUPER)/);
    } finally {
      await target.close();
    }
  });
});
