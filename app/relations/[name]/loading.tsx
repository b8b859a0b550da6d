import { PageSkeleton } from "@/components/skeleton";

// The relation page reads the live targets for its orphan preview: on a large table this takes a moment.
export default function Loading() {
  return <PageSkeleton label="Reading the orphan rows from the target…" />;
}
