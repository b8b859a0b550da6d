import type { Config } from "../config/types";
import { TargetError } from "../targets/errors";
import type { TargetPool } from "../targets/pool";
import type { DeclaredForeignKey } from "../targets/types";
import { sameEndpoint, type Relation } from "./types";

export interface TargetFailure {
  target: string;
  kind: TargetError["kind"];
  error: string;
}

export interface ResolvedRelations {
  relations: Relation[];
  /** Targets whose catalog could not be read: their declared relations are unknown. */
  failures: TargetFailure[];
}

/**
 * Every relation to scan: the configured ones, plus every foreign key each target
 * declares (unless a configured relation already covers it, with its options).
 */
export async function resolveRelations(config: Config, pool: TargetPool): Promise<ResolvedRelations> {
  const failures: TargetFailure[] = [];
  const defaults = new Map<string, string>();
  const declared = new Map<string, DeclaredForeignKey[]>();
  await Promise.all(
    Object.keys(config.targets).map(async (name) => {
      try {
        const target = await pool.get(name);
        defaults.set(name, await target.defaultSchema());
        declared.set(name, await target.foreignKeys());
      } catch (err) {
        const e = err instanceof TargetError ? err : new TargetError("query_failed", name, String(err));
        failures.push({ target: name, kind: e.kind, error: e.message });
      }
    }),
  );

  const schemaOf = (target: string, schema: string | undefined) => schema ?? defaults.get(target) ?? "(default)";
  const configured: Relation[] = config.relations.map((r) => ({
    name: r.name,
    origin: "configured",
    child: { ...r.child, schema: schemaOf(r.child.target, r.child.schema) },
    parent: { ...r.parent, schema: schemaOf(r.parent.target, r.parent.schema) },
    parentSoftDelete: r.parentSoftDelete,
    config: r,
  }));

  const discovered: Relation[] = [];
  const taken = new Set(configured.map((r) => r.name));
  for (const [target, fks] of [...declared.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const fk of fks) {
      const child = { target, ...fk.child };
      const parent = { target, ...fk.parent };
      if (configured.some((r) => sameEndpoint(r.child, child) && sameEndpoint(r.parent, parent))) continue;
      const name = declaredName(target, defaults.get(target), fk, taken);
      taken.add(name);
      discovered.push({ name, origin: "declared", child, parent });
    }
  }
  return { relations: [...configured, ...discovered], failures };
}

/** shop.comments.user_id — the schema only when it is not the target's default. */
function declaredName(target: string, defaultSchema: string | undefined, fk: DeclaredForeignKey, taken: Set<string>): string {
  const schema = fk.child.schema === defaultSchema ? "" : `${fk.child.schema}.`;
  const base = `${target}.${schema}${fk.child.table}.${fk.child.columns.join("+")}`;
  if (!taken.has(base)) return base;
  const withParent = `${base}->${fk.parent.table}`;
  if (!taken.has(withParent)) return withParent;
  let i = 2;
  while (taken.has(`${withParent}#${i}`)) i++;
  return `${withParent}#${i}`;
}
