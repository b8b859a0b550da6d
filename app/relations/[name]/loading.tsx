import { PageSkeleton } from "@/components/skeleton";

// The relation's stored scan, chart and allowlist; the live orphan rows stream in later under their own Suspense.
export default function Loading() {
  return <PageSkeleton label="Loading the relation…" />;
}
