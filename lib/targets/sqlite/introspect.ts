import { sql } from "kysely";

// One statement per catalog view: the pragma table-valued functions take the table name
// as a bound argument, joined against sqlite_schema, so no name is ever spliced.

const userTables = sql`m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

export const foreignKeysQuery = sql<{ tbl: string; id: number; seq: number; parent: string; from: string; to: string | null }>`
SELECT m.name AS tbl, f.id, f.seq, f."table" AS parent, f."from", f."to"
FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f
WHERE ${userTables}
ORDER BY m.name, f.id, f.seq`;

export const columnsQuery = sql<{ tbl: string; name: string; type: string; notnull: number; pk: number }>`
SELECT m.name AS tbl, c.name, c.type, c."notnull", c.pk
FROM sqlite_schema AS m, pragma_table_info(m.name) AS c
WHERE ${userTables}
ORDER BY m.name, c.cid`;

// origin: 'c' CREATE INDEX, 'u' UNIQUE constraint, 'pk' a PRIMARY KEY that is not the rowid.
export const indexesQuery = sql<{ tbl: string; idx: string; is_unique: number; partial: number; origin: string; seqno: number; col: string | null }>`
SELECT m.name AS tbl, il.name AS idx, il."unique" AS is_unique, il.partial, il.origin, ii.seqno, ii.name AS col
FROM sqlite_schema AS m, pragma_index_list(m.name) AS il, pragma_index_info(il.name) AS ii
WHERE ${userTables}
ORDER BY m.name, il.name, ii.seqno`;
