import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { DEMO_EXPECTED_ORPHANS } from "../test/demo-expected";
import { signIn } from "./session";

const fmt = (n: number) => n.toLocaleString("en-US");
const total = Object.values(DEMO_EXPECTED_ORPHANS).reduce((a, b) => a + b, 0);

test.describe.configure({ mode: "serial" });

test("on first open the overview tells the demo's month: a daily chart of growth, and its alerts", async ({ page }) => {
  await signIn(page, "ops");
  await expect(page.getByTestId("total-orphans")).toHaveText(fmt(total));
  // the replayed month: a sweep a day over the last 30 days (the overview opens on 30 days)
  const chart = page.getByTestId("orphans-chart");
  await expect(chart).toBeVisible();
  expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThanOrEqual(30);
  await expect(page.getByTestId("alerts")).toContainText("activity_profile");
  await page.screenshot({ path: "e2e/artifacts/overview-first-open.png", fullPage: true });
});

test("the relations page lists every demo relation with its exact orphan count", async ({ page }) => {
  await signIn(page, "ops", "/relations");
  await page.goto("/relations");
  const table = page.getByTestId("relations");
  for (const [name, orphans] of Object.entries(DEMO_EXPECTED_ORPHANS)) {
    const row = table.locator(`tr[data-relation="${name}"]`);
    await expect(row, name).toHaveCount(1);
    await expect(row.getByTestId("orphans"), name).toHaveText(fmt(orphans));
  }
  // a key without an index says so, with the statement to fix it
  await expect(table.locator('tr[data-relation="codegraph.entry_points.symbol_fqn"]')).toContainText("No index on this key");
  // the filter keeps only relations with orphans
  await page.getByRole("link", { name: "with orphans or errors" }).click();
  await expect(table.locator('tr[data-relation="shop.posts.user_id"]')).toHaveCount(0);
  await expect(table.locator('tr[data-relation="shop.payments.order_id"]')).toHaveCount(1);
  // suggestions stand apart, with their evidence
  await expect(page.getByTestId("suggestions")).toContainText("customer_sessions");
  await page.screenshot({ path: "e2e/artifacts/relations.png", fullPage: true });
});

test("Scan now shows progress, then the new sweep's point on the overview chart", async ({ page }) => {
  await signIn(page, "ops");
  await expect(page.getByTestId("total-orphans")).toHaveText(fmt(total));
  await expect(page.getByTestId("orphans-chart").or(page.getByText("One sweep so far"))).toBeVisible();
  const drawn = await page.getByTestId("orphans-chart").count();
  const before = drawn ? Number(await page.getByTestId("orphans-chart").getAttribute("data-points")) : 1;

  await page.getByTestId("scan-now").click();
  await expect(page.getByTestId("scan-progress")).toBeVisible();
  await expect(page.getByTestId("scan-result")).toContainText(`Swept ${Object.keys(DEMO_EXPECTED_ORPHANS).length} relations`, { timeout: 60_000 });
  await expect(page.getByTestId("orphans-chart")).toHaveAttribute("data-points", String(before + 1));
  expect(before + 1).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("orphans-chart").locator(".recharts-area").first()).toBeVisible();
  // the demo's activity_profile is over the default threshold of 1,000
  await expect(page.getByTestId("alerts")).toContainText("activity_profile");
  await page.screenshot({ path: "e2e/artifacts/overview.png", fullPage: true });
});

test("a relation opens on its chart, the exact injected orphans, their CSV and the SQL it runs", async ({ page }) => {
  await signIn(page, "dpo", "/relations");
  await page.goto("/relations");
  await page.getByRole("link", { name: "shop.payments.order_id", exact: true }).click();
  await expect(page.getByTestId("relation-name")).toHaveText("shop.payments.order_id");
  await expect(page.getByTestId("relation-orphans")).toHaveText("3");
  // the seed: 3 payments point at orders that never existed (cells: cleanup state, first seen, then the row)
  const rows = page.getByTestId("orphan-preview").locator("tbody tr");
  await expect(rows).toHaveCount(3);
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll("td")[2]?.textContent));
  expect(ids).toEqual(["300001", "300002", "300003"]);
  await expect(rows.first()).not.toContainText("not yet swept");
  await expect(page.getByTestId("relation-sql").first()).toContainText('"payments"');
  await expect(page.getByTestId("orphans-chart")).toBeVisible();
  await page.screenshot({ path: "e2e/artifacts/relation.png", fullPage: true });

  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const csv = readFileSync((await (await download).path())!, "utf8")
    .trim()
    .split("\r\n");
  expect(csv).toEqual(["id,order_id,amount", "300001,999991,5.00", "300002,999992,5.00", "300003,999993,5.00"]);
});

test("a composite-key relation previews its rows across pages of the walk", async ({ page }) => {
  await signIn(page, "ops", "/relations/shop.refunds.order_id%2Bline_no");
  await page.goto(`/relations/${encodeURIComponent("shop.refunds.order_id+line_no")}`);
  await expect(page.getByTestId("orphan-preview").locator("tbody tr")).toHaveCount(4);
});

test("metrics are Prometheus text for a signed-in reader, and refused to anyone else", async ({ page, request }) => {
  expect((await request.get("/api/metrics")).status()).toBe(401);
  await signIn(page, "ops");
  const res = await page.request.get("/api/metrics");
  expect(res.headers()["content-type"]).toContain("text/plain; version=0.0.4");
  expect(await res.text()).toContain('custodian_orphans{relation="shop.payments.order_id"');
});
