import { requirePage } from "@/lib/auth/guard";
import { relationHref } from "@/lib/dashboard/href";

// The permission is checked here, outside the page's loading boundary: once the loading
// state has streamed, a 403 could no longer set the response's status.
export default async function RelationLayout({ children, params }: { children: React.ReactNode; params: Promise<{ name: string }> }) {
  await requirePage("relations.read", relationHref(decodeURIComponent((await params).name)));
  return children;
}
