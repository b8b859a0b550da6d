import type { Endpoint } from "../relations/types";
import type { Proposal } from "./types";

function endpoint(e: Endpoint) {
  return { target: e.target, schema: e.schema, table: e.table, columns: e.columns };
}

/** A proposal as `custodian prevent --json` prints it and a constraint job keeps it for its approver (no key values, no rows). */
export function proposalJson(p: Proposal) {
  return {
    relation: p.relation,
    child: endpoint(p.child),
    parent: endpoint(p.parent),
    status: p.status,
    reason: p.reason,
    action: p.action,
    actionReason: p.actionReason,
    orphans: p.orphans,
    constraint: p.constraint,
    replaces: p.replaces,
    statements: p.statements.map((s) => ({
      title: s.title,
      comment: s.comment,
      sql: s.statements.map((x) => x.sql),
      lock: s.lock,
      writesBlocked: s.writesBlocked,
      copiesTable: s.copiesTable,
    })),
    impact: p.impact,
    ...(p.indexAdvice ? { indexAdvice: p.indexAdvice } : {}),
  };
}

export type ProposalJson = ReturnType<typeof proposalJson>;
