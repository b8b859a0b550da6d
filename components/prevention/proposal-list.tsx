import { preventionProposals } from "@/lib/prevention/queries";
import type { ProposalStatus } from "@/lib/prevention/types";
import { EmptyState } from "@/components/ui/empty-state";
import { ProposalCard, type ApplyAccess } from "./proposal-card";

const ORDER: { status: ProposalStatus; title: string }[] = [
  { status: "ready", title: "Ready to enforce" },
  { status: "blocked", title: "Blocked by orphans" },
  { status: "exists", title: "Already enforced" },
  { status: "impossible", title: "Cannot be enforced by the database" },
];

/** Every proposal, grouped by status (ready first: what can be done now). */
export async function ProposalList({ apply }: { apply: ApplyAccess }) {
  const proposals = await preventionProposals();
  if (proposals.length === 0) {
    return (
      <EmptyState>
        No relation to protect yet. Add relations under <code className="font-mono">relations:</code> in the config, or let Discover find the declared ones.
      </EmptyState>
    );
  }
  const ready = proposals.some((p) => p.status === "ready");
  return (
    <div className="space-y-8">
      {ready && (
        <p className="text-sm">
          <a className="underline" href="/api/prevention/sql" download>
            Download the migration of every ready proposal (SQL)
          </a>
        </p>
      )}
      {ORDER.map(({ status, title }) => {
        const these = proposals.filter((p) => p.status === status);
        return (
          <section key={status} className="space-y-2" data-testid={`prevention-${status}`}>
            <h2 className="text-lg font-semibold">
              {title} ({these.length})
            </h2>
            {these.length === 0 ? <p className="text-sm text-zinc-500">None.</p> : these.map((p) => <ProposalCard key={p.relation} p={p} apply={apply} />)}
          </section>
        );
      })}
    </div>
  );
}
