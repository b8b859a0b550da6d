import type { Config } from "../config/types";
import { refused } from "../errors/user-error";
import { isUnreachable } from "../relations/dependents";
import { TargetPool } from "../targets/pool";
import { describeNeed, missingPrivileges, needOn, type NeedOn, type PrivilegeNeed } from "../targets/privileges";
import { planPurge, type PurgePlan } from "./purge-plan";
import { findSoftDeleteConfig, resolveSoftDeleteTable, type SoftDeleteTable } from "./tables";

/**
 * What a purge of this table needs of each database user: read and delete (or, by
 * redaction, update) the subjects, and do to each table below what the plan says: delete,
 * null a reference or redact (update); kept and protected rows are only read. A database
 * unreachable now is left out: its step fails and is retried anyway.
 */
export function purgeNeeds(sd: SoftDeleteTable, plan: PurgePlan): NeedOn[] {
  const needs: NeedOn[] = [
    needOn(sd.target, sd.ref, "select", "find the subjects past grace"),
    plan.subject === "redact" ? needOn(sd.target, sd.ref, "update", "redact the subjects") : needOn(sd.target, sd.ref, "delete", "delete the subjects"),
  ];
  for (const step of plan.steps) {
    for (const part of step.parts) {
      for (const n of part.nodes) {
        const t = n.node.target;
        if (isUnreachable(t)) continue;
        needs.push(needOn(t, n.node.ref, "select", "find the rows below the subjects"));
        if (n.action === "delete") needs.push(needOn(t, n.node.ref, "delete", "delete the rows below the subjects"));
        if (n.action === "null") needs.push(needOn(t, n.node.ref, "update", "null the reference of the rows below"));
        if (n.action === "redact") needs.push(needOn(t, n.node.ref, "update", "redact the rows below"));
      }
    }
  }
  return needs;
}

/** The privileges a purge of the soft-delete table `name` ("target.table") lacks now. */
export async function missingPurgePrivileges(config: Config, name: string): Promise<PrivilegeNeed[]> {
  const pool = new TargetPool(config.targets);
  try {
    const sd = await resolveSoftDeleteTable(config, pool, findSoftDeleteConfig(config, name));
    return await missingPrivileges(purgeNeeds(sd, await planPurge(config, sd)));
  } finally {
    await pool.close();
  }
}

/** Refuses a purge whose database user lacks a privilege it needs: said before the job exists, not by its first subject. */
export async function assertPurgePrivileges(config: Config, name: string): Promise<void> {
  const missing = await missingPurgePrivileges(config, name);
  if (missing.length) {
    throw refused(`Custodian's database user lacks what this purge needs: ${missing.map(describeNeed).join("; ")}. Grant it, then try again.`);
  }
}
