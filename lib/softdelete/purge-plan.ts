import type { Config } from "../config/types";
import { isUnreachable, type DependentNode, type UnreachableTarget } from "../relations/dependents";
import type { PathLink } from "../targets/features/softdelete";
import type { Target } from "../targets/types";
import { redactionOf, softDeleteConfigOf, type SoftDeleteTable } from "./tables";

/**
 * What a purge does to one table below the subject:
 *   delete   the rows go (deepest tables first, so nothing is left pointing at a removed row)
 *   null     the rows stay, their reference is cleared (relation policy set_null)
 *   protect  the rows stay and keep the subject (relation policy protect): the purge is refused
 *   redact   the rows stay for integrity, their PII replaced (the table's `purge: redact`)
 *   keep     the rows stay because a redacted row below still references them
 */
export type PurgeAction = "delete" | "null" | "protect" | "redact" | "keep";

export interface PurgeNode {
  relation: string;
  label: string;
  node: DependentNode<Target | UnreachableTarget>;
  /** From the step's anchor down to this table. */
  path: PathLink[];
  /** The dependent nodes from the subject down to this one (to find what a kept row keeps). */
  chain: DependentNode<Target | UnreachableTarget>[];
  depth: number;
  action: PurgeAction;
  redact?: Record<string, string | null>;
}

/** The rows of one database that hang below the subject. */
export interface PurgePart {
  /** null: the subject itself anchors it; else the rows of another database that reference `from` (keys read at mark time). */
  crossing: { relation: string; parent: PurgePart; from: PathLink[]; referenced: string[] } | null;
  nodes: PurgeNode[];
}

export interface PurgeStepPlan {
  /** Unreachable now: the step fails when it runs, and is retried. */
  target: Target | UnreachableTarget;
  /** The subject's own database: its step runs last and removes (or redacts) the subject. */
  home: boolean;
  parts: PurgePart[];
}

export interface PurgePlan {
  steps: PurgeStepPlan[];
  /** delete, or redact when the table is purged by redaction or a kept row below still needs the subject. */
  subject: "delete" | "redact";
  redact: Record<string, string | null>;
}

const labelOf = (n: DependentNode<Target | UnreachableTarget>) => `${n.target.name}:${n.ref.schema}.${n.ref.table}`;

/** The purge of one subject of this table, from the relations below it (the cleanup planner's tree). */
export async function planPurge(config: Config, sd: SoftDeleteTable): Promise<PurgePlan> {
  const schemas = new Map<string, string>();
  const schemaOf = async (t: Target | UnreachableTarget) => {
    // An unreachable database has no default schema to ask: its own tables keep their resolved schema.
    if (!schemas.has(t.name)) schemas.set(t.name, isUnreachable(t) ? "" : await t.defaultSchema().catch(() => ""));
    return schemas.get(t.name)!;
  };
  const steps = new Map<string, PurgeStepPlan>();
  const stepOf = (t: Target | UnreachableTarget, home: boolean) => {
    if (!steps.has(t.name)) steps.set(t.name, { target: t, home, parts: [] });
    return steps.get(t.name)!;
  };
  const all: PurgeNode[] = [];

  const walk = async (
    nodes: DependentNode<Target | UnreachableTarget>[],
    part: PurgePart,
    here: string,
    prefix: PathLink[],
    chain: DependentNode<Target | UnreachableTarget>[],
    depth: number,
  ) => {
    for (const node of nodes) {
      if (node.target.name !== here) {
        // Another database: its rows reference rows of this one; its part is its own step.
        const crossing: PurgePart = { crossing: { relation: node.relation, parent: part, from: prefix, referenced: node.referenced }, nodes: [] };
        stepOf(node.target, false).parts.push(crossing);
        await walk([node], crossing, node.target.name, [], chain, 1);
        continue;
      }
      const path = [...prefix, { ref: node.ref, referenced: node.referenced }];
      const own = softDeleteConfigOf(config, node.target.name, node.ref, await schemaOf(node.target));
      const action: PurgeAction = node.policy === "set_null" ? "null" : node.policy === "protect" ? "protect" : own?.purge === "redact" ? "redact" : "delete";
      const pn: PurgeNode = {
        relation: node.relation,
        label: labelOf(node),
        node,
        path,
        chain: [...chain, node],
        depth,
        action,
        redact: action === "redact" && own ? redactionOf(own) : undefined,
      };
      part.nodes.push(pn);
      all.push(pn);
      // A redacted table keeps its rows, and with them everything below them.
      if (action === "delete") await walk(node.children, part, here, path, pn.chain, depth + 1);
    }
  };

  const homePart: PurgePart = { crossing: null, nodes: [] };
  stepOf(sd.target, true).parts.push(homePart);
  await walk(sd.dependents, homePart, sd.target.name, [], [], 1);

  // A kept row needs every row above it: those tables are kept, and so is the subject (redacted).
  const kept = all.filter((n) => n.action === "redact");
  for (const n of all) {
    if (n.action === "delete" && kept.some((k) => k.chain.length > n.chain.length && k.chain.includes(n.node))) n.action = "keep";
  }
  for (const step of steps.values()) for (const part of step.parts) part.nodes.sort((a, b) => b.depth - a.depth);
  const ordered = [...steps.values()].sort((a, b) => Number(a.home) - Number(b.home));
  return { steps: ordered, subject: sd.config.purge === "redact" || kept.length > 0 ? "redact" : "delete", redact: redactionOf(sd.config) };
}
