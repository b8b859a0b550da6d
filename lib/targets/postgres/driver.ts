import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { maxConnectionsOf, type TargetSpec } from "../../config/types";
import { ownedDriver, type Driver } from "../driver";

// int8 (count(*), bigint keys) arrives as a string: exact, and converted where counted.

/**
 * A pool of the target's maxConnections pg connections, each in UTC (see utcSessions).
 * Work beyond them waits its turn in the pool's queue (no time limit there: a preview
 * behind a long scan waits for it); opening a connection gives up after 5 s.
 */
export function openPostgresDriver(spec: TargetSpec): Driver {
  const pool = new pg.Pool({
    connectionString: utcSessions(spec.url),
    max: maxConnectionsOf(spec),
    Client: ConnectWithin5s,
    application_name: "custodian",
  });
  // An idle client that loses its server must not crash the process.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    // A connection cut while checked out (between a transaction's statements) fails
    // the statement that uses it next; it must not also crash the process.
    client.on("error", () => {});
  });
  return ownedDriver(new Kysely<any>({ dialect: new PostgresDialect({ pool }) }));
}

/** pg-pool applies connectionTimeoutMillis to the queue too; here it bounds the connect only. */
class ConnectWithin5s extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super({ ...config, connectionTimeoutMillis: 5000 });
  }
}

/**
 * Soft-delete cut-offs are bound as UTC instants and naive timestamps must be read as UTC
 * too, so every session runs in UTC. Asked for in the connection's startup message (after
 * any options the URL gives, so it wins): a server that refuses it refuses the connection,
 * loudly, where a `SET TIME ZONE` sent after connecting failed unseen.
 */
export function utcSessions(url: string): string {
  // not `new URL`: a socket URL (postgres://user@/db?host=/run/postgresql) has no host it accepts
  const q = url.indexOf("?");
  const params = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  params.set("options", [params.get("options"), "-c TimeZone=UTC"].filter(Boolean).join(" "));
  return `${q < 0 ? url : url.slice(0, q)}?${params}`;
}
