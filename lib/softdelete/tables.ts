import type { softDeleteSchema } from "../config/schema";
import type { Config } from "../config/types";
import { openDependentsReachable, primaryKeyOf, type DependentNode, type UnreachableTarget } from "../relations/dependents";
import { dependentTree } from "../relations/graph";
import { resolveRelations } from "../relations/resolve";
import type { TargetPool } from "../targets/pool";
import type { TableRef, Target } from "../targets/types";
import type { z } from "zod";
import type { TouchedTables } from "../jobs/context";
import { UserError } from "../errors/user-error";

export type SoftDeleteConfig = z.output<typeof softDeleteSchema>;

/** A soft-delete table from the config, resolved against its target's catalog. */
export interface SoftDeleteTable {
  /** "target.schema.table": how jobs, requests and the CLI name it. */
  id: string;
  config: SoftDeleteConfig;
  target: Target;
  ref: TableRef;
  pk: string[];
  column: string;
  /** Everything that references the table, transitively and across targets (the one relation graph); a database unreachable now is kept, named, without what is below it. */
  dependents: DependentNode<Target | UnreachableTarget>[];
  cycles: string[];
}

export class UnknownSoftDeleteTable extends UserError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** How the config names a soft-delete table (purge jobs, the CLI and the pages use it): "target.table" or "target.schema.table". */
export const configName = (entry: { target: string; schema?: string; table: string }) =>
  `${entry.target}.${entry.schema ? `${entry.schema}.` : ""}${entry.table}`;

/** A soft-delete table's name ("target.schema.table" or "target.table") as the refresh matches it. */
export function tableOfName(name: string): TouchedTables {
  const [target, ...rest] = name.split(".");
  return rest.length === 2 ? { target, schema: rest[0], table: rest[1] } : { target, table: rest.join(".") };
}

export const tableIdOf = (target: string, t: TableRef) => `${target}.${t.schema}.${t.table}`;

/** The entry of `softDelete:` a name means: "target.table" or "target.schema.table". */
export function findSoftDeleteConfig(config: Config, name: string): SoftDeleteConfig {
  const parts = name.split(".");
  const [target, schema, table] = parts.length === 3 ? parts : [parts[0], undefined, parts[1]];
  const found = config.softDelete.find(
    (s) => s.target === target && s.table === table && (schema === undefined || s.schema === undefined || s.schema === schema),
  );
  if (!found || parts.length < 2 || parts.length > 3) {
    const known = config.softDelete.map((s) => `${s.target}.${s.table}`).join(", ") || "none configured";
    throw new UnknownSoftDeleteTable(`unknown soft-delete table "${name}" (expected TARGET.TABLE; known: ${known})`);
  }
  return found as SoftDeleteConfig;
}

export async function resolveSoftDeleteTable(config: Config, pool: TargetPool, entry: SoftDeleteConfig): Promise<SoftDeleteTable> {
  const target = await pool.get(entry.target);
  const ref = { schema: entry.schema ?? (await target.defaultSchema()), table: entry.table };
  const { relations } = await resolveRelations(config, pool);
  const tree = dependentTree(relations, { target: entry.target, ...ref });
  const dependents = await openDependentsReachable(pool, tree.nodes);
  return {
    id: tableIdOf(entry.target, ref),
    config: entry,
    target,
    ref,
    pk: await primaryKeyOf(target, ref),
    column: entry.column,
    dependents,
    cycles: tree.cycles,
  };
}

export async function softDeleteTableByName(config: Config, pool: TargetPool, name: string): Promise<SoftDeleteTable> {
  return resolveSoftDeleteTable(config, pool, findSoftDeleteConfig(config, name));
}

/** The soft-delete config of a table reached below a subject, if it has one of its own. */
export function softDeleteConfigOf(config: Config, target: string, ref: TableRef, defaultSchema: string): SoftDeleteConfig | undefined {
  return config.softDelete.find((s) => s.target === target && s.table === ref.table && (s.schema ?? defaultSchema) === ref.schema) as
    SoftDeleteConfig | undefined;
}

/** The values PII columns are redacted to (NULL unless the config names a replacement). */
export function redactionOf(entry: SoftDeleteConfig): Record<string, string | null> {
  return Object.fromEntries((entry.pii ?? []).map((c) => [c, entry.redactWith?.[c] ?? null]));
}
