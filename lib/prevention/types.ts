import type { Endpoint } from "../relations/types";
import type { ForeignKeyToAdd, MigrationStep } from "../targets/types";
import type { PreventionAction } from "./action";

export type ProposalStatus = "ready" | "blocked" | "exists" | "impossible";

/** What a migration costs the child: its size, and per step the lock it takes and whether writes wait. */
export interface Impact {
  childRows: number | null;
  writesBlocked: "no" | "briefly" | "yes";
  copiesTable: boolean;
  steps: { title: string; lock: string; writesBlocked: MigrationStep["writesBlocked"]; reads: string }[];
}

/** One relation's constraint: whether it can be added now, with what ON DELETE, and how. */
export interface Proposal {
  relation: string;
  child: Endpoint;
  parent: Endpoint;
  status: ProposalStatus;
  /** Why this status, in a sentence (what to do next for blocked and impossible). */
  reason: string;
  action: PreventionAction;
  actionReason: string;
  /** Orphans now (null when not counted: impossible proposals). */
  orphans: number | null;
  /** The constraint to add, and the weaker one it replaces. */
  constraint: string | null;
  replaces: string | null;
  statements: MigrationStep[];
  impact: Impact | null;
  /** An enforced key whose child columns no index leads with: the statement that indexes them (its checks and cascades scan the child without one). */
  indexAdvice: string | null;
  /** The key the statements add (ready and blocked proposals); not printed, applying reads it. */
  foreignKey: ForeignKeyToAdd | null;
}
