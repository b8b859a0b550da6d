import { accessSync, constants } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import type { TablePrivileges } from "../privileges";
import type { Session } from "../session";
import type { TableRef } from "../types";

const versionQuery = sql<{ version: string }>`SELECT sqlite_version() AS version`;
const fileQuery = sql<{ name: string; file: string }>`PRAGMA database_list`;
const tablesQuery = sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`;

/** Whether this process may write the file and its folder (the journal is created beside it). */
function writable(file: string): boolean {
  if (!file) return true; // in memory
  try {
    accessSync(file, constants.W_OK);
    accessSync(path.dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** SQLite has no users: whoever may write the file may do everything to every table in it. */
export function createSqlitePrivileges(session: Session) {
  return {
    serverVersion: async () => `SQLite ${(await session.run(versionQuery))[0].version}`,
    privileges: async (tables: TableRef[]): Promise<TablePrivileges[]> => {
      if (!tables.length) return [];
      const [files, names] = await Promise.all([session.run(fileQuery), session.run(tablesQuery)]);
      const canWrite = writable(files.find((f) => f.name === "main")?.file ?? "");
      return tables.map((t) => {
        const exists = names.some((n) => n.name === t.table);
        return { ...t, exists, select: exists, update: exists && canWrite, delete: exists && canWrite, ddl: exists && canWrite };
      });
    },
  };
}
