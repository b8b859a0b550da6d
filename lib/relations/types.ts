import type { RelationConfig } from "../config/schema";

export interface Endpoint {
  target: string;
  schema: string;
  table: string;
  columns: string[];
}

export type RelationOrigin = "declared" | "configured";

/** A child → parent reference Custodian scans: declared by a database or configured by a person. */
export interface Relation {
  name: string;
  origin: RelationOrigin;
  child: Endpoint;
  parent: Endpoint;
  parentSoftDelete?: { column: string; graceDays: number };
  /** The config entry, for configured relations (cleanup options, allowlist). */
  config?: RelationConfig;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return (
    a.target === b.target &&
    a.schema === b.schema &&
    a.table === b.table &&
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => c === b.columns[i])
  );
}

export function describeEndpoint(e: Endpoint): string {
  return `${e.target}:${e.schema}.${e.table}(${e.columns.join(", ")})`;
}
