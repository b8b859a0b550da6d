/**
 * lib/auth/pages.ts says which permission opens each page, so that links are rendered only
 * for readers who may follow them. It must say what the pages themselves ask: every
 * requirePage() in app/ is found here and compared.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mayOpen, pagePermission } from "../lib/auth/pages";

const root = path.resolve(import.meta.dirname, "..");
function pageFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return pageFiles(p);
    return /^(page|layout)\.tsx$/.test(d.name) ? [p] : [];
  });
}
/** app/jobs/[id]/page.tsx → /jobs/x */
const routeOf = (file: string) =>
  "/" +
  path
    .relative(path.join(root, "app"), path.dirname(file))
    .split(path.sep)
    .filter(Boolean)
    .map((s) => (s.startsWith("[") ? "x" : s))
    .join("/");

const guarded = pageFiles(path.join(root, "app")).flatMap((f) =>
  [...readFileSync(f, "utf8").matchAll(/requirePage\("([a-z.]+)"/g)].map((m) => ({ route: routeOf(f), permission: m[1] })),
);

describe("the page permissions links go by", () => {
  it("finds the pages' own checks (the walk works)", () => {
    expect(guarded.map((g) => g.route)).toEqual(expect.arrayContaining(["/", "/relations", "/relations/x", "/jobs/purges/x", "/audit"]));
  });

  it.each(guarded.map((g) => [g.route, g.permission]))("%s asks for %s, as pages.ts says", (route, permission) => {
    expect(pagePermission(route)).toBe(permission);
  });

  it("lets admin link to jobs but not to relations or soft deletes; ops to both", () => {
    expect(mayOpen(["admin"], "/jobs/1")).toBe(true);
    expect(mayOpen(["admin"], "/relations?orphans=1")).toBe(false);
    expect(mayOpen(["admin"], "/relations/shop.comments.user_id")).toBe(false);
    expect(mayOpen(["admin"], "/soft-deletes")).toBe(false);
    expect(mayOpen(["ops"], "/relations/shop.comments.user_id")).toBe(true);
    expect(mayOpen(["support"], "/")).toBe(false);
    expect(mayOpen(["dpo"], "/relationsx")).toBe(true); // not under /relations: the overview's permission
  });
});
