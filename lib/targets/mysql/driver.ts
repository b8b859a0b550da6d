import { Kysely, MysqlDialect } from "kysely";
import { createPool } from "mysql2";
import { maxConnectionsOf, type TargetSpec } from "../../config/types";
import { ownedDriver, type Driver } from "../driver";

/** A pool of the target's maxConnections mysql2 connections, each in UTC; work beyond them waits in the pool's queue. */
export function openMysqlDriver(spec: TargetSpec): Driver {
  const pool = createPool({
    uri: spec.url.replace(/^mariadb:/, "mysql:"),
    connectionLimit: maxConnectionsOf(spec),
    connectTimeout: 5000,
    // Exact big integers (ids, counts) as strings; timestamps compared in UTC.
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: "Z",
  });
  pool.on("connection", (conn) => {
    conn.on("error", () => {});
    // TIMESTAMP columns compare in the session's zone: make it UTC, like the bound cutoffs.
    conn.query("SET time_zone = '+00:00'");
  });
  return ownedDriver(new Kysely<any>({ dialect: new MysqlDialect({ pool }) }));
}
