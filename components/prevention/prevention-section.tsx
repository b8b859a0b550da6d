import { Suspense } from "react";
import { preventionProposals } from "@/lib/prevention/queries";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { ProposalCard, type ApplyAccess } from "./proposal-card";

/**
 * "Prevention" on a relation page: the constraint that keeps this relation clean once its
 * orphans are gone. It reads the live target, so it waits and fails on its own, not the page.
 */
export function PreventionSection({ relation, apply }: { relation: string; apply: ApplyAccess }) {
  return (
    <section className="space-y-2" data-testid="prevention-section">
      <h2 className="text-lg font-semibold">Prevention</h2>
      <ErrorBoundary fallback={<p className="text-sm text-red-600">The constraint proposal could not be made: the target could not be read.</p>}>
        <Suspense fallback={<p className="text-sm text-zinc-500">Checking the constraints of this relation…</p>}>
          <RelationProposal relation={relation} apply={apply} />
        </Suspense>
      </ErrorBoundary>
    </section>
  );
}

async function RelationProposal({ relation, apply }: { relation: string; apply: ApplyAccess }) {
  const [p] = await preventionProposals([relation]);
  return <ProposalCard p={p} showRelation={false} apply={apply} />;
}
