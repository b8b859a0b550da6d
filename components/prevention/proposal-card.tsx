import type { Proposal, ProposalStatus } from "@/lib/prevention/types";
import { formatNumber } from "@/lib/format";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { TextLink } from "@/components/ui/text-link";
import { ApplyConstraint } from "./apply-constraint";

const TONE: Record<ProposalStatus, "good" | "warn" | "bad" | "neutral"> = { exists: "good", ready: "neutral", blocked: "warn", impossible: "bad" };

const WHAT_NEXT: Record<ProposalStatus, string> = {
  ready: "Download the migration for your own migration tool, or let Custodian apply it (ops; custodian prevent --execute).",
  blocked: "Clean up the orphans first; the constraint becomes ready at 0 orphans.",
  exists: "The database enforces this relation: its orphans cannot come back.",
  impossible: "No database constraint can protect this relation.",
};

/** How the viewer may apply a ready proposal: null for those who may not (only ops may). */
export type ApplyAccess = { requireApproval: boolean } | null;

/** One relation's constraint: status, ON DELETE and why, the impact, the statements in order, and (ops) apply. */
export function ProposalCard({ p, showRelation = true, apply = null }: { p: Proposal; showRelation?: boolean; apply?: ApplyAccess }) {
  const endpoint = (e: Proposal["child"]) => `${e.target}:${e.schema}.${e.table}(${e.columns.join(", ")})`;
  return (
    <div className="card space-y-3 p-4" data-testid={`proposal-${p.relation}`}>
      <div className="flex flex-wrap items-center gap-3">
        <StatusBadge status={p.status} tone={TONE[p.status]} />
        {showRelation && (
          <TextLink href={`/relations/${encodeURIComponent(p.relation)}`} className="font-mono text-sm">
            {p.relation}
          </TextLink>
        )}
        <span className="text-sm text-zinc-500">
          {endpoint(p.child)} → {endpoint(p.parent)}
        </span>
      </div>
      <p className="text-sm">{p.reason}</p>
      <p className="text-sm">
        <span className="font-medium">ON DELETE {p.action}</span> <span className="text-zinc-500">— {p.actionReason}</span>
        {p.replaces && <span className="text-zinc-500"> (replaces {p.replaces})</span>}
      </p>
      {p.impact && p.statements.length > 0 && (
        <Table columns={["step", "lock", "writes blocked", "reads"]} framed={false} dense>
          {p.impact.steps.map((s) => (
            <tr key={s.title}>
              <Td>{s.title}</Td>
              <Td>{s.lock}</Td>
              <Td>{s.writesBlocked}</Td>
              <Td>{s.reads}</Td>
            </tr>
          ))}
        </Table>
      )}
      {p.impact && (
        <p className="text-xs text-zinc-500">
          Child rows: {formatNumber(p.impact.childRows)}. Writes blocked: {p.impact.writesBlocked}
          {p.impact.copiesTable ? "; the table is copied" : ""}.
        </p>
      )}
      {p.indexAdvice && <pre className="overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{p.indexAdvice};</pre>}
      {p.statements.length > 0 && (
        <details>
          <summary className="cursor-pointer text-sm">
            Statements ({p.statements.length} group{p.statements.length > 1 ? "s" : ""}, in order)
          </summary>
          {p.statements.map((s) => (
            <div key={s.title} className="mt-2">
              <p className="text-xs text-zinc-500">-- {s.comment}</p>
              <pre className="overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{s.statements.map((x) => `${x.sql};`).join("\n")}</pre>
            </div>
          ))}
        </details>
      )}
      <p className="text-sm text-zinc-500">
        {WHAT_NEXT[p.status]}{" "}
        {p.status === "ready" && (
          <a className="underline" href={`/api/prevention/sql?relation=${encodeURIComponent(p.relation)}`} download>
            Download SQL
          </a>
        )}
      </p>
      {p.status === "ready" && apply && <ApplyConstraint relation={p.relation} proposed={p.action} requireApproval={apply.requireApproval} />}
    </div>
  );
}
