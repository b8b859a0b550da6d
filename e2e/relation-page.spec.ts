import { expect, test, type Page } from "@playwright/test";
import { DEMO_EXPECTED_ORPHANS } from "../test/demo-expected";
import { signIn } from "./session";

// The relations list (sort, search, 404), the relation page (summary first, rows 50 a page,
// allowlisted and in-grace rows marked) and every page at a phone's width.

test.describe.configure({ mode: "serial" });

const orphanCounts = (page: Page) =>
  page
    .getByTestId("relations")
    .getByTestId("orphans")
    .evaluateAll((cells) => cells.map((c) => (c.textContent === "failed" ? Infinity : Number((c.textContent ?? "").replace(/,/g, "")))));

test("the relations list sorts by any column and searches by name, table or target, in the URL", async ({ page }) => {
  await signIn(page, "ops", "/relations");
  await page.goto("/relations");
  await page.getByTestId("sort-orphans").click();
  await expect(page).toHaveURL(/sort=orphans&dir=desc/);
  const desc = await orphanCounts(page);
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  expect(desc[0]).toBe(Math.max(...Object.values(DEMO_EXPECTED_ORPHANS)));
  await page.getByTestId("sort-orphans").click();
  await expect(page).toHaveURL(/sort=orphans&dir=asc/);
  const asc = await orphanCounts(page);
  expect(asc).toEqual([...asc].sort((a, b) => a - b));
  await expect(page.getByTestId("sort-orphans")).toHaveAttribute("aria-sort", "ascending");

  // by table: the sort stays while searching
  await page.getByTestId("relation-q").fill("payments");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=payments/);
  await expect(page).toHaveURL(/sort=orphans/);
  await expect(page.getByTestId("relations").locator("tbody tr")).toHaveCount(1);
  await expect(page.locator('tr[data-relation="shop.payments.order_id"]')).toHaveCount(1);
  // by target: every relation from or to codegraph
  await page.goto("/relations?q=codegraph");
  const codegraph = Object.keys(DEMO_EXPECTED_ORPHANS).filter((n) => n.startsWith("codegraph.") || n === "summary_symbol");
  await expect(page.getByTestId("relations").locator("tbody tr")).toHaveCount(codegraph.length);
  await page.goto("/relations?q=no-relation-is-called-this");
  await expect(page.getByTestId("relations-none-match")).toBeVisible();
});

test("an unknown relation answers 404 and points at the list", async ({ page }) => {
  await signIn(page, "ops", "/relations");
  const res = await page.goto(`/relations/${encodeURIComponent("no.such.relation")}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("relation-not-found")).toBeVisible();
  await expect(page.getByRole("link", { name: "list of relations" })).toHaveAttribute("href", "/relations");
});

test("a relation page opens on its summary and Clean up, and pages its rows 50 at a time", async ({ page }) => {
  await signIn(page, "ops", "/relations/activity_profile");
  await page.goto("/relations/activity_profile");
  const summary = page.getByTestId("relation-summary");
  await expect(summary.getByTestId("relation-orphans")).toHaveText(DEMO_EXPECTED_ORPHANS.activity_profile.toLocaleString("en-US"));
  for (const id of ["keys-eligible", "keys-in-grace", "keys-allowlisted"]) await expect(summary.getByTestId(id)).toHaveText(/^[\d,]+$/);
  // the main action is in the first screenful
  const cleanUp = page.getByTestId("summary-clean-up");
  await expect(cleanUp).toBeInViewport();
  await cleanUp.click();
  await expect(page.getByTestId("cleanup-panel")).toBeInViewport();

  const rows = page.getByTestId("orphan-preview").locator("tbody tr");
  await expect(rows).toHaveCount(50);
  await expect(page.getByTestId("preview-range")).toContainText("Page 1: rows 1–50");
  await expect(page.getByTestId("preview-prev")).toHaveCount(0);
  // every row says what a cleanup would do with it; rows in grace say when they become eligible
  const states = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-state")));
  expect(states.every((s) => ["eligible", "in-grace", "allowlisted", "unswept"].includes(s ?? ""))).toBe(true);
  const inGrace = rows.and(page.locator('[data-state="in-grace"]'));
  if (await inGrace.count()) await expect(inGrace.first().getByTestId("row-eligible-on")).toContainText(/eligible on \d{1,2} \w{3} \d{4}/);
  // times: the viewer's zone, UTC on hover
  await expect(rows.first().locator("time").last()).toHaveAttribute("title", /UTC/);
  const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.textContent));

  await page.getByTestId("preview-next").click();
  await expect(page.getByTestId("preview-range")).toContainText("Page 2: rows 51–100");
  await expect(rows).toHaveCount(50);
  const secondPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.textContent));
  expect(secondPage.filter((r) => firstPage.includes(r))).toEqual([]);
  await page.screenshot({ path: "e2e/artifacts/relation-page-2.png", fullPage: true });

  await page.getByTestId("preview-prev").click();
  await expect(page.getByTestId("preview-range")).toContainText("Page 1: rows 1–50");
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.textContent))).toEqual(firstPage);

  // a page link that is not one says so, and the rest of the page stays
  await page.goto("/relations/activity_profile?after=eyJrIjpbIjEiLCIyIl19");
  await expect(page.getByTestId("preview-error")).toContainText("not a position in this relation");
  await expect(page.getByTestId("relation-summary")).toBeVisible();
});

test("allowlisted orphans are marked on the relation page", async ({ page }) => {
  await signIn(page, "ops", "/relations/summary_symbol");
  await page.goto("/relations/summary_symbol");
  await expect(page.getByTestId("orphan-preview").locator("tbody tr")).toHaveCount(DEMO_EXPECTED_ORPHANS.summary_symbol);
  const allowlisted = page.locator('tr[data-state="allowlisted"]');
  await expect(allowlisted).toHaveCount(1);
  await expect(allowlisted).toContainText("com.example.OldService#m1");
  await expect(allowlisted.getByTestId("row-allowlisted")).toHaveText("allowlisted");
  await expect(page.getByTestId("keys-allowlisted")).toHaveText("1");
  await page.screenshot({ path: "e2e/artifacts/relation-allowlisted.png", fullPage: true });
});

test.describe("at 390 px wide", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  const pages: [Parameters<typeof signIn>[1], string[]][] = [
    ["ops", ["/", "/relations", "/relations/activity_profile", "/jobs", "/soft-deletes"]],
    ["dpo", ["/erasure"]],
    ["support", ["/restore"]],
    ["admin", ["/users", "/audit"]],
  ];

  test("the header collapses into a menu that opens and closes on navigation", async ({ page }) => {
    await signIn(page, "ops", "/relations");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeHidden();
    await page.getByTestId("menu-button").click();
    await expect(nav).toBeVisible();
    await page.screenshot({ path: "e2e/artifacts/mobile-menu.png" });
    await nav.getByRole("link", { name: "Jobs" }).click();
    await expect(page).toHaveURL(/\/jobs$/);
    await expect(nav).toBeHidden();
    // a link to the page already shown closes it too
    await page.getByTestId("menu-button").click();
    await nav.getByRole("link", { name: "Jobs" }).click();
    await expect(nav).toBeHidden();
  });

  for (const [role, paths] of pages) {
    test(`nothing scrolls sideways on ${role}'s pages`, async ({ page }) => {
      await signIn(page, role, paths[0]);
      for (const p of paths) {
        await page.goto(p);
        await page.waitForLoadState("networkidle");
        await expect(page.getByTestId("menu-button")).toBeVisible();
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        await page.screenshot({ path: `e2e/artifacts/mobile${p.replace(/\//g, "-") || "-overview"}.png`, fullPage: true });
        expect(wide, `${p} is ${wide}px wider than the screen`).toBeLessThanOrEqual(0);
      }
    });
  }
});
