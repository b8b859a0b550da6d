import type { CoverageDecision } from "../../generated/prisma/client";
import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import type { Relation } from "../relations/types";
import type { Store } from "../store/client";
import { typeFamily } from "../targets/keys";
import type { TargetPool } from "../targets/pool";
import type { ColumnInfo } from "../targets/types";
import { subjectGraph, tableKey, type TableNode } from "../relations/graph";

/** A column that looks like it holds a subject's reference, in a table no relation reaches the subject from. */
export interface CoverageEntry {
  subject: string;
  target: string;
  schema: string;
  table: string;
  column: string;
  dataType: string;
  /** Why it was flagged, for a person to judge. */
  evidence: string[];
  confidence: "high" | "medium";
  /** The DPO's review: not personal data, and why. */
  decision?: { reason: string; decidedBy: string; decidedAt: Date };
}

export interface CoverageReport {
  entries: CoverageEntry[];
  /** Targets whose columns could not be read: their tables are not covered by this report. */
  failures: { target: string; error: string }[];
}

// Words that name a person in a column (the seed's profile_id pointed at auth.users).
const PERSON = ["user", "profile", "customer", "account", "member", "owner", "author", "person", "subscriber", "client", "buyer", "patient", "employee"];
const EMAIL = /^(e_?mail|email_?address|user_?email|customer_?email|contact_?email)$/i;

/**
 * The tables a deletion handler forgets: for each subject, columns that look like its
 * references — a declared foreign key to its table, a person-like name (`user_id`,
 * `profile_id`, `customer_id`…, or the subject's own name) with the key's type, an e-mail
 * column — in tables that no relation connects to the subject, so erasure verification
 * never looks there. Catalogs only: no row is read.
 */
export async function coverageReport(config: Config, pool: TargetPool, store?: Store, known?: { relations: Relation[] }): Promise<CoverageReport> {
  const resolved = known ?? (await resolveRelations(config, pool));
  const failures: CoverageReport["failures"] = [];
  const columns: ColumnInfo[] = [];
  const targetOf = new Map<ColumnInfo, string>();
  for (const target of Object.keys(config.targets)) {
    try {
      for (const c of await (await pool.get(target)).columns()) {
        columns.push(c);
        targetOf.set(c, target);
      }
    } catch (err) {
      failures.push({ target, error: (err as Error)?.message ?? String(err) });
    }
  }
  const decisions = store ? await store.prisma.coverageDecision.findMany() : [];
  const decided = new Map(decisions.map((d) => [decisionKey(d), d]));

  const entries: CoverageEntry[] = [];
  for (const s of config.subjects) {
    let schema: string;
    try {
      schema = s.schema ?? (await (await pool.get(s.target)).defaultSchema());
    } catch {
      continue; // its target is already in failures
    }
    const root: TableNode = { target: s.target, schema, table: s.table };
    const reached = new Set(subjectGraph(root, resolved.relations).order.map(tableKey));
    const keyType = columns.find((c) => targetOf.get(c) === s.target && c.schema === schema && c.table === s.table && c.column === s.key[0])?.dataType ?? "";
    const declaredToSubject = new Set(
      resolved.relations
        .filter((r) => r.origin === "declared" && tableKey(r.parent) === tableKey(root))
        .flatMap((r) => r.child.columns.map((c) => `${tableKey(r.child)}\u0000${c}`)),
    );
    const names = new Set([...PERSON, s.name.toLowerCase(), singular(s.table.toLowerCase())]);
    for (const c of columns) {
      const t = { target: targetOf.get(c)!, schema: c.schema, table: c.table };
      if (reached.has(tableKey(t))) continue;
      const evidence: string[] = [];
      let confidence: CoverageEntry["confidence"] = "medium";
      if (declaredToSubject.has(`${tableKey(t)}\u0000${c.column}`)) {
        evidence.push(`a declared foreign key points at ${s.table}`);
        confidence = "high";
      }
      const m = /^(.+?)_?(id|uuid|key|ref)$/i.exec(c.column);
      if (m && names.has(m[1].toLowerCase())) {
        evidence.push(`the name "${c.column}" reads as a reference to a ${m[1].toLowerCase()}`);
        if (s.key.length === 1 && typeFamily(c.dataType) === typeFamily(keyType)) {
          evidence.push(`its type (${c.dataType || "untyped"}) matches ${s.table}.${s.key[0]} (${keyType})`);
          confidence = "high";
        } else {
          evidence.push(`its type (${c.dataType || "untyped"}) differs from ${s.table}.${s.key[0]} (${keyType})`);
        }
      } else if (EMAIL.test(c.column)) {
        evidence.push(`the name "${c.column}" holds e-mail addresses: personal data that may identify the subject`);
      }
      if (!evidence.length) continue;
      evidence.push(`no relation connects ${t.target}.${t.table} to ${s.target}.${s.table}, so erasure verification never looks at it`);
      const d = decided.get(decisionKey({ ...t, column: c.column }));
      entries.push({
        subject: s.name,
        ...t,
        column: c.column,
        dataType: c.dataType,
        evidence,
        confidence,
        ...(d ? { decision: { reason: d.reason, decidedBy: d.decidedBy, decidedAt: d.decidedAt } } : {}),
      });
    }
  }
  return { entries, failures };
}

function singular(table: string): string {
  if (table.endsWith("ies")) return `${table.slice(0, -3)}y`;
  return table.endsWith("s") ? table.slice(0, -1) : table;
}

function decisionKey(d: Pick<CoverageDecision, "target" | "schema" | "table" | "column">): string {
  return [d.target, d.schema, d.table, d.column].join("\u0000");
}

/** Records (or replaces) the DPO's review of one coverage entry. */
export async function markNotPersonal(
  store: Store,
  entry: { target: string; schema: string; table: string; column: string },
  reason: string,
  decidedBy: string,
): Promise<void> {
  await store.prisma.coverageDecision.upsert({
    where: { target_schema_table_column: entry },
    create: { ...entry, reason, decidedBy },
    update: { reason, decidedBy, decidedAt: new Date() },
  });
}
