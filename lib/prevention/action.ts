import type { Relation } from "../relations/types";

export type PreventionAction = "CASCADE" | "SET NULL" | "RESTRICT";
export const PREVENTION_ACTIONS = ["CASCADE", "SET NULL", "RESTRICT"] as const;

/**
 * The ON DELETE a relation's constraint carries, and why: it does in the database what
 * Custodian's cleanup of the parent would do to these rows (`cleanup.onParentRemoved`),
 * and an orphan's cleanup that nulls the reference (`cleanup.action: set_null`) asks for
 * SET NULL. SET NULL on a NOT NULL column would make every parent delete fail: RESTRICT.
 */
export function chooseAction(relation: Relation, childNullable: boolean): { action: PreventionAction; reason: string } {
  const cleanup = relation.config?.cleanup;
  let choice: { action: PreventionAction; reason: string };
  if (cleanup?.onParentRemoved === "protect") {
    choice = { action: "RESTRICT", reason: "cleanup.onParentRemoved is protect: a parent with rows here must not be removed" };
  } else if (cleanup?.onParentRemoved === "set_null") {
    choice = { action: "SET NULL", reason: "cleanup.onParentRemoved is set_null: these rows lose the reference when their parent goes" };
  } else if (cleanup?.action === "set_null") {
    choice = { action: "SET NULL", reason: "cleanup.action is set_null: the cleanup unlinks orphans rather than removing them" };
  } else {
    choice = {
      action: "CASCADE",
      reason: cleanup
        ? `cleanup.onParentRemoved is cascade and cleanup.action ${cleanup.action}: these rows go with their parent`
        : "no cleanup config: onParentRemoved defaults to cascade, these rows go with their parent",
    };
  }
  if (choice.action === "SET NULL" && !childNullable) {
    return { action: "RESTRICT", reason: `${choice.reason}; but a child column is NOT NULL, so SET NULL would fail every delete: RESTRICT instead` };
  }
  return choice;
}
