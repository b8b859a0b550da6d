import { Suspense } from "react";
import { ProposalList } from "@/components/prevention/proposal-list";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { requirePage } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";

/** Ops and DPO: every relation's constraint proposal, by status. */
export default async function PreventionPage() {
  await requirePage("relations.read", "/prevention");
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Prevention</h1>
        <p className="text-sm text-zinc-500">
          Once a relation has no orphans, a foreign key keeps it that way. Each relation's constraint, with the ON DELETE its cleanup policy implies, the locks
          its migration takes and its statements in order. Counted live from the databases.
        </p>
      </div>
      <ErrorBoundary fallback={<p className="text-sm text-red-600">The proposals could not be made: a target could not be read.</p>}>
        <Suspense fallback={<p className="text-sm text-zinc-500">Reading the catalogs and counting orphans…</p>}>
          <ProposalList />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}
