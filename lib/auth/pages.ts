import { can, type Permission } from "./permissions";

/**
 * Which permission opens each page, by path prefix (longest first wins): what a page's
 * requirePage() asks, said once more so a link can know before it is rendered. A link a
 * reader may not follow is not rendered as a link: Next.js prefetches the links in view,
 * and a prefetch of a page the reader may not open is refused and audited as a
 * `page.view denied` nobody caused. test/pages.test.ts checks this table against the
 * pages' own requirePage() calls.
 */
export const PAGE_PERMISSIONS: readonly (readonly [prefix: string, permission: Permission])[] = [
  ["/relations", "relations.read"],
  ["/jobs", "jobs.read"],
  ["/soft-deletes", "softdeletes.read"],
  ["/restore", "restore.search"],
  ["/erasure", "erasure.read"],
  ["/audit", "audit.read"],
  ["/users", "users.read"],
  ["/targets", "targets.read"],
  ["/prevention/jobs", "jobs.read"],
  ["/prevention", "relations.read"],
  ["/", "overview.read"],
];

/** The permission that opens the page at `href` (a path, with or without a query). */
export function pagePermission(href: string): Permission {
  const path = href.split(/[?#]/)[0];
  const hit = PAGE_PERMISSIONS.find(([prefix]) => path === prefix || path.startsWith(prefix === "/" ? "/" : `${prefix}/`));
  return hit![1];
}

/** Whether someone holding `roles` may open the page at `href`. */
export function mayOpen(roles: readonly string[], href: string): boolean {
  return can(roles, pagePermission(href));
}
