import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import { describeEndpoint, type Relation } from "../relations/types";
import type { TargetPool } from "../targets/pool";
import type { ColumnsRef, EnforcedForeignKey, MigrationStep, Target } from "../targets/types";
import { usageError } from "../errors/user-error";
import { chooseAction, type PreventionAction } from "./action";
import type { Impact, Proposal } from "./types";

export interface ProposeOptions {
  /** Only these relations (by name); all when empty. */
  only?: string[];
  /** ON DELETE chosen by a person instead of the one the config implies, by relation. */
  actions?: Record<string, PreventionAction>;
  lockTimeoutMs?: number;
}

const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c === b[i]);
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((c) => b.includes(c));
const sameTable = (a: ColumnsRef, b: ColumnsRef) => a.schema === b.schema && a.table === b.table;

/**
 * One proposal per relation (configured and declared), counted afresh: a relation whose
 * child and parent share a target and whose parent key is a primary or unique key can
 * hold a foreign key; it is ready when it has no orphans now and no constraint with the
 * chosen ON DELETE enforces it yet.
 */
export async function proposePrevention(config: Config, pool: TargetPool, opts: ProposeOptions = {}): Promise<Proposal[]> {
  const { relations } = await resolveRelations(config, pool);
  const only = opts.only ?? [];
  for (const name of only) if (!relations.some((r) => r.name === name)) throw usageError(`unknown relation "${name}"`);
  const chosen = only.length ? relations.filter((r) => only.includes(r.name)) : relations;
  const proposals: Proposal[] = [];
  for (const relation of chosen) proposals.push(await proposeOne(pool, relation, opts.actions?.[relation.name]));
  return withStatements(pool, proposals, opts.lockTimeoutMs ?? config.prevention.lockTimeoutMs);
}

async function proposeOne(pool: TargetPool, relation: Relation, override: PreventionAction | undefined): Promise<Proposal> {
  const { child, parent } = relation;
  const base = {
    relation: relation.name,
    child,
    parent,
    orphans: null,
    constraint: null,
    replaces: null,
    statements: [],
    impact: null,
    indexAdvice: null,
    foreignKey: null,
  };
  const childRef: ColumnsRef = { schema: child.schema, table: child.table, columns: child.columns };
  const parentRef: ColumnsRef = { schema: parent.schema, table: parent.table, columns: parent.columns };
  if (child.target !== parent.target) {
    const { action, reason } = chooseAction(relation, true);
    return {
      ...base,
      status: "impossible",
      reason: `the parents live in another target (${parent.target}): no database can enforce a reference across databases. What protects it: soft delete with Custodian's purge, and the sweep's alerts on new orphans.`,
      action: override ?? action,
      actionReason: override ? "chosen by a person" : reason,
    };
  }
  let target: Target;
  try {
    target = await pool.get(child.target);
  } catch (err) {
    return {
      ...base,
      status: "blocked",
      reason: `target ${child.target} cannot be read: ${(err as Error).message}`,
      action: override ?? "CASCADE",
      actionReason: "",
    };
  }
  const [columns, uniqueKeys, indexes, enforced] = await Promise.all([target.columns(), target.uniqueKeys(), target.indexes(), target.enforcedForeignKeys()]);
  const nullable = child.columns.every((c) => columns.find((x) => x.schema === child.schema && x.table === child.table && x.column === c)?.nullable ?? true);
  const chosen = override ? { action: override, reason: "chosen by a person" } : chooseAction(relation, nullable);
  const withAction = { ...base, action: chosen.action, actionReason: chosen.reason };
  if (chosen.action === "SET NULL" && !nullable) {
    return {
      ...withAction,
      status: "blocked",
      reason: `ON DELETE SET NULL was chosen, but ${child.columns.join(", ")} is NOT NULL: every delete of a parent with rows here would fail. Choose CASCADE or RESTRICT.`,
    };
  }
  if (!uniqueKeys.some((k) => sameTable(k, parentRef) && sameSet(k.columns, parent.columns))) {
    return {
      ...withAction,
      status: "impossible",
      reason: `${describeEndpoint(parent)} is not a primary key or unique key: a foreign key must reference one. Add a unique index on it first, or protect the relation with Custodian's sweeps and alerts.`,
    };
  }
  const current = enforced.find(
    (fk) =>
      sameTable(fk.child, childRef) &&
      sameColumns(fk.child.columns, child.columns) &&
      sameTable(fk.parent, parentRef) &&
      sameColumns(fk.parent.columns, parent.columns),
  );
  const needsIndex = !indexes.some((i) => sameTable(i, childRef) && sameColumns(i.columns.slice(0, child.columns.length), child.columns));
  if (current && current.validated && sameAction(current, chosen.action)) {
    return {
      ...withAction,
      status: "exists",
      constraint: current.constraint,
      reason: `already enforced${current.constraint ? ` by ${current.constraint}` : ""} with ON DELETE ${current.onDelete}${needsIndex ? "; no index leads with its columns: create it (below)" : ""}`,
      indexAdvice: needsIndex ? target.createIndexStatement(childRef) : null,
    };
  }
  const { orphans, childRows } = await target.countOrphans({ child: childRef, parent: parentRef, parentKeyUnique: true });
  const name = constraintName(childRef, parentRef, enforced);
  const replaces = current ? (current.constraint ?? `(${current.child.columns.join(", ")}) ON DELETE ${current.onDelete}`) : null;
  const proposal: Proposal = {
    ...withAction,
    orphans,
    constraint: name,
    replaces,
    status: orphans > 0 ? "blocked" : "ready",
    reason:
      orphans > 0
        ? `${orphans} orphan row(s) remain: clean them up first (/relations/${encodeURIComponent(relation.name)})`
        : current
          ? `0 orphans; the existing constraint is weaker (ON DELETE ${current.onDelete}${current.validated ? "" : ", not validated"}): it is replaced`
          : "0 orphans and no constraint: ready to enforce",
    impact: { childRows, writesBlocked: "no", copiesTable: false, steps: [] },
    foreignKey: { name, child: childRef, parent: parentRef, onDelete: chosen.action, replaces: current ? (current.constraint ?? replaces) : null, needsIndex },
  };
  return proposal;
}

/** RESTRICT and NO ACTION both refuse to remove a referenced parent. */
function sameAction(fk: EnforcedForeignKey, action: PreventionAction): boolean {
  return fk.onDelete === action || (action === "RESTRICT" && fk.onDelete === "NO ACTION");
}

/** `<child>_<columns>_fkey` as PostgreSQL names one, made unique among the table's constraints. */
function constraintName(child: ColumnsRef, parent: ColumnsRef, enforced: EnforcedForeignKey[]): string {
  const base = `${child.table}_${child.columns.join("_")}_${parent.table}_fkey`.slice(0, 60);
  // unique in the schema: MySQL/MariaDB name foreign keys per database, PostgreSQL per table
  const taken = new Set(enforced.filter((fk) => fk.child.schema === child.schema).map((fk) => fk.constraint));
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 58)}_${i}`;
  return name;
}

/**
 * The statements of every proposal that would add a constraint, written per child table
 * (a SQLite rebuild adds every foreign key of its table at once), and their impact.
 */
async function withStatements(pool: TargetPool, proposals: Proposal[], lockTimeoutMs: number): Promise<Proposal[]> {
  const groups = new Map<string, Proposal[]>();
  for (const p of proposals) {
    if (!p.foreignKey) continue;
    const key = JSON.stringify([p.child.target, p.child.schema, p.child.table]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const group of groups.values()) {
    const target = await pool.get(group[0].child.target);
    const steps = await target.foreignKeyMigration(
      { schema: group[0].child.schema, table: group[0].child.table },
      group.map((p) => p.foreignKey!),
      lockTimeoutMs,
    );
    for (const p of group) {
      p.statements = steps.filter((s) => s.constraints.includes(p.constraint!));
      p.impact = impactOf(p.impact?.childRows ?? null, p.statements);
    }
  }
  return proposals;
}

export function impactOf(childRows: number | null, steps: MigrationStep[]): Impact {
  const order = ["no", "briefly", "yes"] as const;
  return {
    childRows,
    writesBlocked: steps.reduce<Impact["writesBlocked"]>((w, s) => (order.indexOf(s.writesBlocked) > order.indexOf(w) ? s.writesBlocked : w), "no"),
    copiesTable: steps.some((s) => s.copiesTable),
    steps: steps.map((s) => ({
      title: s.title,
      lock: s.lock,
      writesBlocked: s.writesBlocked,
      reads: s.copiesTable ? `copies all ${childRows ?? "?"} rows` : s.readsWholeTable ? `reads all ${childRows ?? "?"} rows` : "no rows (catalog only)",
    })),
  };
}
