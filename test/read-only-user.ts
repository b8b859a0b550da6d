import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { MYSQL_URL, POSTGRES_URL, postgresAdmin } from "./services";

const dq = (n: string) => `"${n.replace(/"/g, '""')}"`;
const bq = (n: string) => `\`${n.replace(/`/g, "``")}\``;

/**
 * A database user that may read a schema (PostgreSQL) or database (MariaDB) but not change
 * it: what a DBA grants a new tool first. Its own login on the test server.
 */
export interface ReadOnlyUser {
  url: string;
  grantDelete(table: string): Promise<void>;
  drop(): Promise<void>;
}

export async function readOnlyUser(server: "postgres" | "mysql", schema: string): Promise<ReadOnlyUser> {
  const name = `custodian_ro_${randomBytes(4).toString("hex")}`;
  if (server === "postgres") {
    await postgresAdmin(
      `CREATE ROLE ${dq(name)} LOGIN; GRANT USAGE ON SCHEMA ${dq(schema)} TO ${dq(name)}; GRANT SELECT ON ALL TABLES IN SCHEMA ${dq(schema)} TO ${dq(name)}`,
    );
    const url = new URL(POSTGRES_URL);
    url.username = name;
    url.password = "";
    return {
      url: url.toString(),
      grantDelete: (table) => postgresAdmin(`GRANT DELETE ON ${dq(schema)}.${dq(table)} TO ${dq(name)}`),
      drop: () => postgresAdmin(`DROP OWNED BY ${dq(name)}; DROP ROLE ${dq(name)}`),
    };
  }
  const admin = async (statement: string) => {
    const c = await mysql.createConnection({ uri: MYSQL_URL });
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  const account = `'${name}'@'127.0.0.1'`;
  await admin(`CREATE USER ${account}`);
  await admin(`GRANT SELECT ON ${bq(schema)}.* TO ${account}`);
  const url = new URL(MYSQL_URL);
  url.username = name;
  url.pathname = `/${schema}`;
  return {
    url: url.toString(),
    grantDelete: (table) => admin(`GRANT DELETE ON ${bq(schema)}.${bq(table)} TO ${account}`),
    drop: () => admin(`DROP USER ${account}`),
  };
}
