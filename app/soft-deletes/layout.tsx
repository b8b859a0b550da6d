import { requirePage } from "@/lib/auth/guard";

// The permission is checked here, outside the page's loading boundary: once the loading
// state has streamed, a 403 could no longer set the response's status.
export default async function SoftDeletesLayout({ children }: { children: React.ReactNode }) {
  await requirePage("softdeletes.read", "/soft-deletes");
  return children;
}
