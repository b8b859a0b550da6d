import type { Config } from "../config/types";
import type { TargetPool } from "../targets/pool";
import { typeFamily } from "../targets/keys";
import type { ColumnInfo, UniqueKey } from "../targets/types";
import type { Endpoint, Relation } from "./types";

/**
 * Columns that look like references but have no foreign key: shown for a person to
 * confirm in the config, never scanned or acted on until then.
 */
export interface Suggestion {
  child: Endpoint;
  /** The parent it probably points at, or null when none was found. */
  parent: Endpoint | null;
  confidence: "high" | "medium" | "low";
  evidence: string[];
}

const REFERENCE = /^(.+?)_?(id|uuid|key|fqn)$/i;
// Names that usually mean "a person" even when no table carries the name itself
// (the seed's profile_id pointed at auth.users).
const PERSON_WORDS = new Set(["profile", "customer", "account", "member", "owner", "author", "creator", "person", "subscriber"]);

interface TableInfo {
  target: string;
  schema: string;
  table: string;
  columns: ColumnInfo[];
  unique: UniqueKey[];
}

export async function suggestRelations(config: Config, pool: TargetPool, relations: Relation[]): Promise<Suggestion[]> {
  const tables: TableInfo[] = [];
  for (const target of Object.keys(config.targets)) {
    try {
      const t = await pool.get(target);
      const [columns, unique] = await Promise.all([t.columns(), t.uniqueKeys()]);
      const byTable = new Map<string, TableInfo>();
      for (const c of columns) {
        const key = `${c.schema}.${c.table}`;
        if (!byTable.has(key)) byTable.set(key, { target, schema: c.schema, table: c.table, columns: [], unique: [] });
        byTable.get(key)!.columns.push(c);
      }
      for (const u of unique) byTable.get(`${u.schema}.${u.table}`)?.unique.push(u);
      tables.push(...byTable.values());
    } catch {
      // an unreadable target is reported by the scan; it simply yields no suggestions
    }
  }
  const subjects = new Set(config.subjects.map((s) => `${s.target}.${s.table}`));
  const covered = (t: TableInfo, column: string) =>
    relations.some((r) => r.child.target === t.target && r.child.schema === t.schema && r.child.table === t.table && r.child.columns.includes(column));

  const out: Suggestion[] = [];
  for (const t of tables) {
    const pk = t.unique.find((u) => u.primary);
    for (const c of t.columns) {
      const m = REFERENCE.exec(c.column);
      if (!m || covered(t, c.column)) continue;
      if (pk && pk.columns.length === 1 && pk.columns[0] === c.column) continue; // its own key
      const stem = m[1].toLowerCase();
      const kind = m[2].toLowerCase();
      const child: Endpoint = { target: t.target, schema: t.schema, table: t.table, columns: [c.column] };
      const guess = kind === "fqn" ? guessFqnParent(t, tables) : guessIdParent(stem, t, tables, subjects);
      if (!guess) {
        if (kind === "id") continue; // plenty of *_id columns are external ids (stripe_id…): only report ones we can place
        out.push({
          child,
          parent: null,
          confidence: "low",
          evidence: [`column name "${c.column}" looks like a reference`, "no table found that it could point at"],
        });
        continue;
      }
      const parentCol = guess.table.columns.find((x) => x.column === guess.column)!;
      const evidence = [`column name "${c.column}" looks like a reference to ${guess.table.table}.${guess.column}`, guess.why, "no foreign key is declared"];
      let confidence: Suggestion["confidence"] = guess.strong ? "high" : "medium";
      const typesMatch = typeFamily(c.dataType) === typeFamily(parentCol.dataType);
      evidence.push(typesMatch ? `types agree (${c.dataType} → ${parentCol.dataType})` : `types differ (${c.dataType} → ${parentCol.dataType})`);
      if (!typesMatch) confidence = "low";
      if (guess.table.target !== t.target) evidence.push(`the parent lives in another database (${guess.table.target})`);
      out.push({
        child,
        parent: { target: guess.table.target, schema: guess.table.schema, table: guess.table.table, columns: [guess.column] },
        confidence,
        evidence,
      });
    }
  }
  return out;
}

interface Guess {
  table: TableInfo;
  column: string;
  why: string;
  strong: boolean;
}

function singlePk(t: TableInfo): string | null {
  const pk = t.unique.find((u) => u.primary);
  return pk && pk.columns.length === 1 ? pk.columns[0] : null;
}

function guessIdParent(stem: string, child: TableInfo, tables: TableInfo[], subjects: Set<string>): Guess | null {
  const names = new Set([stem, `${stem}s`, `${stem}es`, stem.endsWith("y") ? `${stem.slice(0, -1)}ies` : stem]);
  const byName = rank(
    tables.filter((t) => t !== child && names.has(t.table.toLowerCase()) && singlePk(t)),
    child,
  );
  if (byName)
    return {
      table: byName,
      column: singlePk(byName)!,
      why: `table ${byName.table} has primary key ${singlePk(byName)}`,
      strong: byName.target === child.target,
    };
  if (PERSON_WORDS.has(stem)) {
    const people = rank(
      tables.filter((t) => singlePk(t) && (subjects.has(`${t.target}.${t.table}`) || t.table.toLowerCase() === "users")),
      child,
    );
    if (people) {
      return {
        table: people,
        column: singlePk(people)!,
        why: `no ${stem} table exists; "${stem}" usually names a person, and ${people.target}.${people.table} holds people`,
        strong: false,
      };
    }
  }
  return null;
}

function guessFqnParent(child: TableInfo, tables: TableInfo[]): Guess | null {
  const holders = tables.filter((t) => t !== child && t.unique.some((u) => u.columns.length === 1 && u.columns[0].toLowerCase() === "fqn"));
  const best = rank(holders, child);
  if (!best) return null;
  const column = best.unique.find((u) => u.columns.length === 1 && u.columns[0].toLowerCase() === "fqn")!.columns[0];
  return { table: best, column, why: `${best.table}.${column} is unique: it names the things FQNs point at`, strong: best.target === child.target };
}

/** Same database first, then the first by name. */
function rank(candidates: TableInfo[], child: TableInfo): TableInfo | null {
  return candidates.find((t) => t.target === child.target) ?? candidates[0] ?? null;
}
