import { sql } from "kysely";
import type { Constraints } from "../dialect";
import type { Session } from "../session";
import { col, createIndexStatement, foreignKeyClause, keyNotNull, keysEqual, tableId } from "../sql";
import type { EnforcedForeignKey, ForeignKeyAction, ForeignKeyToAdd, MigrationStep } from "../types";

// InnoDB adds a foreign key in place (ALGORITHM=INPLACE, LOCK=NONE: no table copy, writes
// go on) only with foreign_key_checks off, which also means it checks no existing row
// (MariaDB 10.11: "Adding foreign keys needs foreign_key_checks=OFF. Try ALGORITHM=COPY").
// With the checks on, the server copies the whole table and blocks writes meanwhile. So the
// step adds it in place and then looks for a single orphan itself: one found, the key is
// dropped again and the step fails. The index is built first, also in place.

const enforcedQuery = sql<{
  constraint_name: string;
  child_schema: string;
  child_table: string;
  child_column: string;
  parent_schema: string;
  parent_table: string;
  parent_column: string;
  delete_rule: string;
}>`SELECT k.CONSTRAINT_NAME AS constraint_name, k.TABLE_SCHEMA AS child_schema, k.TABLE_NAME AS child_table,
  k.COLUMN_NAME AS child_column, k.REFERENCED_TABLE_SCHEMA AS parent_schema,
  k.REFERENCED_TABLE_NAME AS parent_table, k.REFERENCED_COLUMN_NAME AS parent_column, r.DELETE_RULE AS delete_rule
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/** The pool's connection goes back with the server's own lock wait. */
const RESET_TIMEOUT = "SET SESSION lock_wait_timeout = DEFAULT";

/** One orphan of the new key, if any: the check the server skipped. */
function oneOrphan(fk: ForeignKeyToAdd) {
  return sql`SELECT 1 AS orphan FROM ${tableId(fk.child)} AS c
LEFT JOIN ${tableId(fk.parent)} AS p ON ${keysEqual("p", fk.parent.columns, "c", fk.child.columns)}
WHERE ${col("p", fk.parent.columns[0])} IS NULL AND ${keyNotNull("c", fk.child.columns)} LIMIT 1`;
}

export function createMysqlConstraints(session: Session): Constraints {
  return {
    async enforced(): Promise<EnforcedForeignKey[]> {
      const rows = await session.run(enforcedQuery);
      const byKey = new Map<string, EnforcedForeignKey>();
      for (const r of rows) {
        const key = `${r.child_table}\u0000${r.constraint_name}`;
        const fk = byKey.get(key);
        if (fk) {
          fk.child.columns.push(r.child_column);
          fk.parent.columns.push(r.parent_column);
          continue;
        }
        byKey.set(key, {
          constraint: r.constraint_name,
          child: { schema: r.child_schema, table: r.child_table, columns: [r.child_column] },
          parent: { schema: r.parent_schema, table: r.parent_table, columns: [r.parent_column] },
          onDelete: r.delete_rule as ForeignKeyAction,
          validated: true,
        });
      }
      return [...byKey.values()];
    },
    async migration(table, fks, lockTimeoutMs, compile) {
      // lock_wait_timeout (metadata locks) counts whole seconds
      const timeout = sql`SET SESSION lock_wait_timeout = ${sql.lit(Math.max(1, Math.ceil(lockTimeoutMs / 1000)))}`;
      const steps: MigrationStep[] = [];
      for (const fk of fks) {
        if (fk.needsIndex) {
          steps.push({
            title: `index ${table.table} (${fk.child.columns.join(", ")})`,
            constraints: [fk.name],
            comment: "Built in place (ALGORITHM=INPLACE, LOCK=NONE): reads the whole table, writes go on.",
            statements: [
              { sql: compile(timeout) },
              { sql: compile(createIndexStatement(fk.child, { concurrently: false, schemaOn: "table", suffix: sql` ALGORITHM=INPLACE LOCK=NONE` })) },
              { sql: RESET_TIMEOUT },
            ],
            lock: "none (metadata lock at start and end)",
            writesBlocked: "no",
            readsWholeTable: true,
            copiesTable: false,
            onFailure: [RESET_TIMEOUT],
          });
        }
        const drop = fk.replaces ? sql`DROP FOREIGN KEY ${sql.id(fk.replaces)}, ` : sql``;
        steps.push({
          title: `add ${fk.name}${fk.replaces ? ` in place of ${fk.replaces}` : ""}`,
          constraints: [fk.name],
          comment:
            "In place, without copying the table: the server checks no existing row with foreign_key_checks off, so the step looks for one orphan itself and drops the key again if it finds one. With foreign_key_checks on the server would copy the whole table (ALGORITHM=COPY) and block writes meanwhile.",
          statements: [
            { sql: compile(timeout) },
            { sql: "SET SESSION foreign_key_checks = 0" },
            { sql: compile(sql`ALTER TABLE ${tableId(table)} ${drop}ADD ${foreignKeyClause(fk, { parentSchema: true })}, ALGORITHM=INPLACE, LOCK=NONE`) },
            { sql: "SET SESSION foreign_key_checks = 1" },
            { sql: compile(oneOrphan(fk)), expectNoRows: true },
            { sql: RESET_TIMEOUT },
          ],
          lock: "none (metadata lock on child and parent at start and end)",
          writesBlocked: "briefly",
          readsWholeTable: true,
          copiesTable: false,
          onFailure: ["SET SESSION foreign_key_checks = 1", compile(sql`ALTER TABLE ${tableId(table)} DROP FOREIGN KEY ${sql.id(fk.name)}`), RESET_TIMEOUT],
        });
      }
      return steps;
    },
  };
}
