import type { PrivilegeNeed } from "../targets/privileges";
import type { CleanupAction } from "./plan";
import type { Row } from "./rows";

/** The dry run's answer (preview.ts): what a cleanup of a relation would do now. Its own module so approval.ts can read it without importing the preview. */
export interface CleanupPreview {
  relation: string;
  action: CleanupAction;
  graceDays: number;
  batchSize: number;
  /** Batches grow up to this while they stay quick. */
  maxBatchSize: number;
  pk: string[];
  /** The columns that identify a sampled row: the primary key, then the orphan reference. */
  keyColumns: string[];
  /** Orphan rows now, and how a cleanup would treat them. */
  orphans: number;
  eligible: number;
  /** Rows a job's walk will examine: the orphans inside one database, every child row across two. */
  walkTotal: number;
  inGrace: number;
  allowlisted: number;
  sample: Row[];
  /** Rows that hang below the eligible ones, per table, counted for the first `dependentSampleOf` eligible rows. */
  dependents: { table: string; policy: string; rows: number }[];
  dependentSampleOf: number;
  dependentTree: string[];
  cycles: string[];
  /** Rows the job would remove: the eligible ones and the rows below them (scaled from the sample), what the four-eyes rule counts. */
  scope: number;
  approvalThreshold: number;
  /** Rows earlier unapproved jobs of the relation removed within the window (approval.ts): taken off the threshold. */
  removedWithoutApproval: number;
  needsApproval: boolean;
  /** What Custodian's database user lacks for this cleanup (from the catalogs): a job is not started while any is missing. */
  missingPrivileges: PrivilegeNeed[];
}
