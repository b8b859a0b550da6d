import { Suspense } from "react";
import { PreventionJobsList } from "@/components/prevention/prevention-jobs";
import { ProposalList } from "@/components/prevention/proposal-list";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { serverConfig } from "@/lib/server/config";

export const dynamic = "force-dynamic";

/** Ops and DPO: every relation's constraint proposal, by status, and the constraint jobs asked for. */
export default async function PreventionPage() {
  const actor = await requirePage("relations.read", "/prevention");
  const apply = can(actor.roles, "prevention.apply") ? { requireApproval: serverConfig().prevention.requireApproval } : null;
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Prevention</h1>
        <p className="text-sm text-zinc-500">
          Once a relation has no orphans, a foreign key keeps it that way. Each relation's constraint, with the ON DELETE its cleanup policy implies, the locks
          its migration takes and its statements in order. Counted live from the databases.
        </p>
      </div>
      <PreventionJobsList />
      <ErrorBoundary fallback={<p className="text-sm text-red-600">The proposals could not be made: a target could not be read.</p>}>
        <Suspense fallback={<p className="text-sm text-zinc-500">Reading the catalogs and counting orphans…</p>}>
          <ProposalList apply={apply} />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}
