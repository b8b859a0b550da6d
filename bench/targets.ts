import path from "node:path";
import type { Dialect, TargetSpec } from "../lib/config/types";

export const PG_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const PG_SCHEMA = process.env.BENCH_PG_SCHEMA ?? "custodian_bench";
export const MYSQL_ROOT_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
export const MYSQL_DB = "custodian_bench";
export const SQLITE_DIR = path.resolve(import.meta.dirname, ".data");

export function mysqlUrl(): string {
  const u = new URL(MYSQL_ROOT_URL);
  u.pathname = `/${MYSQL_DB}`;
  return u.toString();
}

/** The bench database of each dialect, as a Custodian target. */
export function specFor(dialect: Dialect, name: string): TargetSpec {
  if (dialect === "postgres") {
    const u = new URL(PG_URL);
    // the bench tables live in their own schema: make it the default one
    u.searchParams.set("options", `-c search_path=${PG_SCHEMA}`);
    return { name, dialect, url: u.toString() };
  }
  if (dialect === "mysql") return { name, dialect, url: mysqlUrl() };
  if (dialect === "sqlite") return { name, dialect, url: path.join(SQLITE_DIR, "bench.db") };
  throw new Error(`no bench data for ${dialect}`);
}
