import { PageSkeleton } from "@/components/skeleton";

// The gauges are counted live from the targets: say so while they are.
export default function Loading() {
  return <PageSkeleton label="Counting the soft-delete backlog in the databases…" />;
}
