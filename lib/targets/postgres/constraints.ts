import { sql } from "kysely";
import type { Constraints } from "../dialect";
import type { Session } from "../session";
import { foreignKeysQuery } from "./introspector";
import { createIndexStatement, foreignKeyClause, indexName, tableId } from "../sql";
import type { EnforcedForeignKey, ForeignKeyAction, MigrationStep } from "../types";

// PostgreSQL adds a foreign key without blocking writes for longer than a moment:
// ADD CONSTRAINT … NOT VALID takes SHARE ROW EXCLUSIVE on both tables but checks no
// existing row (instant); VALIDATE CONSTRAINT then reads the whole child under SHARE UPDATE
// EXCLUSIVE, which lets inserts, updates and deletes go on. The index the FK's checks
// probe is built CONCURRENTLY, which cannot run inside a transaction.

/** pg_constraint.confdeltype */
const ACTIONS: Record<string, ForeignKeyAction> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

export function createPostgresConstraints(session: Session): Constraints {
  return {
    async enforced(): Promise<EnforcedForeignKey[]> {
      return (await session.run(foreignKeysQuery)).map((r) => ({
        constraint: r.constraint,
        child: { schema: r.child_schema, table: r.child_table, columns: r.child_columns },
        parent: { schema: r.parent_schema, table: r.parent_table, columns: r.parent_columns },
        onDelete: ACTIONS[r.on_delete] ?? "NO ACTION",
        validated: r.validated,
      }));
    },
    async migration(table, fks, lockTimeoutMs, compile) {
      const timeout = sql.lit(`${Math.max(1, Math.trunc(lockTimeoutMs))}ms`);
      const steps: MigrationStep[] = [];
      for (const fk of fks) {
        if (fk.needsIndex) {
          steps.push({
            title: `index ${table.table} (${fk.child.columns.join(", ")})`,
            constraints: [fk.name],
            comment:
              "CREATE INDEX CONCURRENTLY cannot run in a transaction; it reads the whole table without blocking writes. If it fails, the INVALID index it leaves is dropped (DROP INDEX CONCURRENTLY).",
            statements: [
              { sql: compile(sql`SET lock_timeout = ${timeout}`) },
              { sql: compile(createIndexStatement(fk.child, { concurrently: true, schemaOn: "table" })) },
              { sql: "RESET lock_timeout" },
            ],
            lock: "SHARE UPDATE EXCLUSIVE",
            writesBlocked: "no",
            readsWholeTable: true,
            copiesTable: false,
            // a failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind: it goes
            onFailure: [compile(sql`DROP INDEX CONCURRENTLY IF EXISTS ${sql.id(fk.child.schema, indexName(fk.child))}`), "RESET lock_timeout"],
          });
        }
        steps.push({
          title: `add ${fk.name} NOT VALID`,
          constraints: [fk.name],
          comment: "NOT VALID checks no existing row: the lock on both tables is held for an instant; new and updated rows are checked from now on.",
          statements: [
            { sql: "BEGIN" },
            { sql: compile(sql`SET LOCAL lock_timeout = ${timeout}`) },
            { sql: compile(sql`ALTER TABLE ${tableId(table)} ADD ${foreignKeyClause(fk, { parentSchema: true })} NOT VALID`) },
            { sql: "COMMIT" },
          ],
          lock: "SHARE ROW EXCLUSIVE (child and parent)",
          writesBlocked: "briefly",
          readsWholeTable: false,
          copiesTable: false,
          onFailure: ["ROLLBACK"],
        });
        steps.push({
          title: `validate ${fk.name}`,
          constraints: [fk.name],
          comment: "VALIDATE reads every child row, under a lock that lets writes go on.",
          statements: [
            { sql: "BEGIN" },
            { sql: compile(sql`SET LOCAL lock_timeout = ${timeout}`) },
            { sql: compile(sql`ALTER TABLE ${tableId(table)} VALIDATE CONSTRAINT ${sql.id(fk.name)}`) },
            { sql: "COMMIT" },
          ],
          lock: "SHARE UPDATE EXCLUSIVE (child), ROW SHARE (parent)",
          writesBlocked: "no",
          readsWholeTable: true,
          copiesTable: false,
          // a row that slipped in before the NOT VALID constraint fails validation: the unvalidated constraint goes too
          onFailure: ["ROLLBACK", compile(sql`ALTER TABLE ${tableId(table)} DROP CONSTRAINT IF EXISTS ${sql.id(fk.name)}`)],
        });
        if (fk.replaces) {
          steps.push({
            title: `drop the weaker ${fk.replaces}`,
            constraints: [fk.name],
            comment: "The new constraint is validated: the old one (a weaker ON DELETE) goes.",
            statements: [
              { sql: "BEGIN" },
              { sql: compile(sql`SET LOCAL lock_timeout = ${timeout}`) },
              { sql: compile(sql`ALTER TABLE ${tableId(table)} DROP CONSTRAINT ${sql.id(fk.replaces)}`) },
              { sql: "COMMIT" },
            ],
            lock: "ACCESS EXCLUSIVE (child), SHARE ROW EXCLUSIVE (parent)",
            writesBlocked: "briefly",
            readsWholeTable: false,
            copiesTable: false,
            onFailure: ["ROLLBACK"],
          });
        }
      }
      return steps;
    },
  };
}
