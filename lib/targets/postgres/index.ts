import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { TargetSpec } from "../../config/types";
import { PostgresFamilyTarget } from "./target";

// int8 (count(*), bigint keys) arrives as a string: exact, and converted where counted.

export class PostgresTarget extends PostgresFamilyTarget {
  readonly inProcess = false;

  private constructor(spec: TargetSpec, db: Kysely<any>) {
    super(spec.name, "postgres", db);
  }

  static open(spec: TargetSpec): PostgresTarget {
    const pool = new pg.Pool({
      connectionString: utcSessions(spec.url),
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
    });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    return new PostgresTarget(spec, db);
  }

  protected async closeDriver() {
    await this.db.destroy();
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
