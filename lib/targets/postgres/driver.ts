import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { TargetSpec } from "../../config/types";
import { ownedDriver, type Driver } from "../driver";

// int8 (count(*), bigint keys) arrives as a string: exact, and converted where counted.

/** A pool of 4 pg connections, each in UTC. */
export function openPostgresDriver(spec: TargetSpec): Driver {
  const pool = new pg.Pool({
    connectionString: spec.url,
    max: 4,
    connectionTimeoutMillis: 5000,
    application_name: "custodian",
  });
  // An idle client that loses its server must not crash the process.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    // A connection cut while checked out (between a transaction's statements) fails
    // the statement that uses it next; it must not also crash the process.
    client.on("error", () => {});
    // Soft-delete cutoffs are bound as UTC instants; naive timestamps are read as UTC too.
    void client.query("SET TIME ZONE 'UTC'").catch(() => {});
  });
  return ownedDriver(new Kysely<any>({ dialect: new PostgresDialect({ pool }) }));
}
