import { expect, test } from "@playwright/test";
import { signIn } from "./session";

// Each role's main job, walked in the browser: ops and admin read the targets, admin is
// told which role a refused page needs and confirms a user with no role, the DPO sees each
// request's deadline and searches the list.

test("ops sees every target reached, with its server, round trip and its user's privileges", async ({ page }) => {
  await signIn(page, "ops");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Targets" })).toHaveAttribute("href", "/targets");
  // the page reaches every target before it answers: opened directly rather than raced by a click
  await page.goto("/targets");
  const cards = page.getByTestId("target-card");
  await expect(cards).toHaveCount(4);
  const shop = page.locator("[data-target=shop]");
  await expect(shop.getByTestId("target-reach")).toHaveText("reachable");
  await expect(shop.getByTestId("target-version")).toContainText("PostgreSQL");
  await expect(shop.getByTestId("target-rtt")).toContainText("ms");
  await expect(page.locator("[data-target=activity]").getByTestId("target-version")).toContainText("SQLite");
  // the demo's user may do everything a relation needs: nothing is marked missing
  await expect(shop.getByTestId("target-privileges").locator("tr[data-table]").first()).toBeVisible();
  await expect(page.locator("[data-missing=true]")).toHaveCount(0);
  await expect(page.getByTestId("target-missing")).toHaveCount(0);
  await expect(page.locator("body")).not.toContainText("password");
  await page.screenshot({ path: "e2e/artifacts/targets.png", fullPage: true });
});

test("admin reads the targets, and is told which role a refused page needs", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/targets");
  await expect(page.getByTestId("target-card")).toHaveCount(4);
  const res = await page.goto("/relations");
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId("forbidden-reason")).toContainText("This page needs the Ops or DPO role; you have Admin");
  await expect(page.getByTestId("forbidden-reason")).not.toContainText("ask an admin");
  await expect(page.getByTestId("forbidden-users")).toHaveAttribute("href", "/users");
  await page.screenshot({ path: "e2e/artifacts/forbidden-admin.png", fullPage: true });
});

test("admin is asked before saving a user with no role, and sees each user's status", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/users");
  const row = page.locator("tr[data-user]").filter({ hasText: "support" }).first();
  await expect(row.getByTestId("user-status")).toHaveText("Active");
  await row.locator("input[type=checkbox]:checked").uncheck();
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    return d.dismiss();
  });
  await row.getByRole("button", { name: "Save roles" }).click();
  await expect.poll(() => asked).toContain("with no role?");
  await expect(row.getByText("Saved.")).toHaveCount(0);
  await page.reload();
  await expect(row.locator("input[type=checkbox]:checked")).toHaveCount(1);
  await page.screenshot({ path: "e2e/artifacts/users.png", fullPage: true });
});

test("the DPO sees days left before the one-month deadline, highlighted when past, and searches the list", async ({ page }) => {
  await signIn(page, "dpo");
  await page.goto("/erasure");
  await page.getByTestId("request-key").fill("4242");
  const received = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
  await page.getByTestId("request-received").fill(received);
  await page.getByTestId("request-add").click();
  // filing reads the key by its column type on the shop database first: a loaded machine takes a while
  await expect(page).toHaveURL(/\/erasure\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(page.getByTestId("request-deadline")).toContainText(`Received ${received}`);
  await expect(page.getByTestId("request-deadline").locator("[data-deadline=overdue]")).toContainText("days overdue");
  await page.screenshot({ path: "e2e/artifacts/erasure-request-deadline.png", fullPage: true });

  await page.goto("/erasure");
  await page.getByTestId("erasure-search").fill("4242");
  await page.getByTestId("erasure-search").press("Enter");
  await expect(page).toHaveURL(/q=4242/);
  const rows = page.getByTestId("erasure-requests").locator("tr[data-request]");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator("[data-deadline=overdue]")).toBeVisible();
  await page.screenshot({ path: "e2e/artifacts/erasure-search.png", fullPage: true });
  await page.getByTestId("erasure-search").fill("no-such-key");
  await page.getByTestId("erasure-search").press("Enter");
  await expect(page.getByTestId("erasure-empty")).toContainText('No request matches "no-such-key"');
});
