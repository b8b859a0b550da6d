import type { DependentNode } from "../relations/dependents";
import { needOn, type NeedOn } from "../targets/privileges";
import type { CleanupPlan } from "./plan";

/**
 * The privileges a cleanup of this plan needs, table by table: read both sides, delete
 * (or, for set_null, update) the orphans, and do to each table below what its policy says
 * (cascade deletes, set_null updates, protect only reads).
 */
export function cleanupNeeds(plan: Pick<CleanupPlan, "child" | "childRef" | "parent" | "parentRef" | "action" | "dependents">): NeedOn[] {
  const needs: NeedOn[] = [
    needOn(plan.child, plan.childRef, "select", "read the orphans"),
    needOn(plan.parent, plan.parentRef, "select", "check the parents"),
    plan.action === "set_null"
      ? needOn(plan.child, plan.childRef, "update", "null the orphans' reference")
      : needOn(plan.child, plan.childRef, "delete", "delete the orphans"),
  ];
  const below = (nodes: DependentNode[]) => {
    for (const n of nodes) {
      needs.push(needOn(n.target, n.ref, "select", "find the rows below the orphans"));
      if (n.policy === "cascade") needs.push(needOn(n.target, n.ref, "delete", "delete the rows below the orphans"));
      if (n.policy === "set_null") needs.push(needOn(n.target, n.ref, "update", "null the reference of the rows below"));
      below(n.children);
    }
  };
  below(plan.dependents);
  return needs;
}
