import { TargetCard } from "@/components/targets/target-card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/auth/guard";
import { serverConfig } from "@/lib/server/config";
import { targetsPage } from "@/lib/targets/queries";

export const dynamic = "force-dynamic";

/** Ops and admin: every configured database, reached now, and what Custodian's user may do there. */
export default async function TargetsPage() {
  await requirePage("targets.read", "/targets");
  const targets = await targetsPage(serverConfig());
  return (
    <div className="space-y-6">
      <PageHeader
        title="Targets"
        description="The databases Custodian inspects, reached now: server, round trip, protection settings and the privileges its database user holds. Connection secrets are never shown."
      />
      {targets.length === 0 ? (
        <EmptyState testId="targets-empty">
          No target is configured. Add one under <code className="font-mono">targets:</code> in the config file (dialect, and a URL from an environment
          variable).
        </EmptyState>
      ) : (
        targets.map((t) => <TargetCard key={t.name} t={t} />)
      )}
    </div>
  );
}
