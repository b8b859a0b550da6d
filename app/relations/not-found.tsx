import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TextLink } from "@/components/ui/text-link";

/** An unknown relation name (HTTP 404): renamed, removed from the config, or never scanned. */
export default function RelationNotFound() {
  return (
    <div className="space-y-6" data-testid="relation-not-found">
      <PageHeader title="No such relation" description="No relation of that name has been scanned." />
      <EmptyState>
        It may have been renamed or removed from the config, or the next sweep has not reached it yet. Find it in the{" "}
        <TextLink href="/relations">list of relations</TextLink>.
      </EmptyState>
    </div>
  );
}
