import { expect, test } from "@playwright/test";
import { DEMO_EXPECTED_ORPHANS } from "../lib/demo/expected";
import { signIn } from "./session";

test("the first page lists every demo relation with its exact orphan count", async ({ page }) => {
  await signIn(page, "ops");
  const table = page.getByTestId("relations");
  await expect(table).toBeVisible();
  for (const [name, orphans] of Object.entries(DEMO_EXPECTED_ORPHANS)) {
    const row = table.locator(`tr[data-relation="${name}"]`);
    await expect(row, name).toHaveCount(1);
    await expect(row.getByTestId("orphans"), name).toHaveText(orphans.toLocaleString("en-US"));
  }
  const total = Object.values(DEMO_EXPECTED_ORPHANS).reduce((a, b) => a + b, 0);
  await expect(page.getByTestId("total-orphans")).toHaveText(total.toLocaleString("en-US"));
  // a key without an index says so, with the statement to fix it
  await expect(table.locator('tr[data-relation="codegraph.entry_points.symbol_fqn"]')).toContainText("No index on this key");
  await page.screenshot({ path: "e2e/artifacts/overview.png", fullPage: true });
});
