import { notFound } from "next/navigation";
import { requirePage } from "@/lib/auth/guard";
import { relationHref } from "@/lib/dashboard/href";
import { relationExists } from "@/lib/relations/queries";
import { getStore } from "@/lib/store/web";

// The permission and the relation's existence are checked here, outside the page's loading
// boundary: once the loading state has streamed, a 403 or a 404 could no longer set the response's status.
export default async function RelationLayout({ children, params }: { children: React.ReactNode; params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  await requirePage("relations.read", relationHref(name));
  if (!(await relationExists(await getStore(), name))) notFound();
  return children;
}
