import { expect, test } from "@playwright/test";
import { signIn } from "./session";

test.describe.configure({ mode: "serial" });

// The demo shop: users 2001–2010 and 2040 deleted inside the 30-day grace (11), 2011–2030 past it (20).
const USERS = '[data-table="shop.public.users"]';

test("the gauges page shows the users backlog, its age histogram and the index advice", async ({ page }) => {
  await signIn(page, "ops", "/soft-deletes");
  await page.goto("/soft-deletes");
  const card = page.locator(USERS);
  await expect(card.getByTestId("gauge-deleted")).toHaveText("31");
  await expect(card.getByTestId("gauge-pending")).toHaveText("20");
  const histogram = card.getByTestId("age-histogram");
  await expect(histogram).toBeVisible();
  // one bar per non-empty age bucket: 3 days (10 users), 10 days (alice), 45 days (20)
  await expect(histogram.locator(".recharts-bar-rectangle path")).toHaveCount(3);
  await expect(card.getByTestId("index-advice")).toContainText("deleted_at is indexed");
  await expect(card.getByTestId("index-advice")).toContainText("email is unique among live rows only");
  await page.screenshot({ path: "e2e/artifacts/soft-deletes.png", fullPage: true });
});

test("support finds an account by email, previews its cascade, restores it and sees it leave the backlog", async ({ page, browser }) => {
  test.slow(); // two people signed in: support restores while ops watches
  // ops has the soft-deletes page open meanwhile: it shows the new backlog without a reload
  const ops = await (await browser.newContext()).newPage();
  await signIn(ops, "ops", "/soft-deletes");
  await ops.goto("/soft-deletes");
  await expect(ops.locator(USERS).getByTestId("gauge-deleted")).toHaveText("31");
  await signIn(page, "support", "/restore");
  await page.goto("/restore");
  await expect(page.getByTestId("restorable-count")).toHaveText("11");
  // the email as a customer spells it on the phone: case does not matter
  await page.getByTestId("restore-query").fill("User2003@Example.COM");
  await page.getByTestId("restore-search").click();
  await expect(page.getByTestId("restore-hits")).toContainText("Account 2003 (matched by email)", { timeout: 30_000 });
  await page.getByTestId("restore-preview").click();
  const preview = page.getByTestId("restore-preview-result");
  await expect(preview).toContainText("user2003@example.com");
  const children = page.getByTestId("restore-children");
  await expect(children).toContainText("public.posts (user_id): 2 rows");
  await expect(children).toContainText("public.comments (user_id): 3 rows");
  await expect(children).toContainText("public.orders (user_id): 1 row");
  await page.screenshot({ path: "e2e/artifacts/restore-preview.png", fullPage: true });
  await page.getByTestId("restore-run").click();
  // asked once more before anything changes; cancelling changes nothing
  await expect(page.getByTestId("restore-confirm")).toContainText("Restore account 2003 and 6 rows deleted with it?");
  await page.screenshot({ path: "e2e/artifacts/restore-confirm.png", fullPage: true });
  await page.getByTestId("restore-confirm-no").click();
  await expect(page.getByTestId("restore-confirm")).toHaveCount(0);
  await expect(page.getByTestId("restorable-count")).toHaveText("11");
  await page.getByTestId("restore-run").click();
  await page.getByTestId("restore-confirm-yes").click();
  await expect(page.getByTestId("restore-done")).toContainText("Restored account 2003 with 6 rows of its cascade");
  // what was restored, where support checks it and answers the customer: the shop's back office (softDelete[].accountUrl)
  const open = page.getByTestId("restore-account-link");
  await expect(open).toHaveText("Open account 2003 in the back office ↗");
  await expect(open).toHaveAttribute("href", "https://shop.example.com/admin/users/2003");
  await expect(open).toHaveAttribute("target", "_blank");
  // searched again: it is no longer a deleted account
  await expect(page.getByTestId("restore-none")).toBeVisible();
  await expect(page.getByTestId("restorable-count")).toHaveText("10");
  await page.screenshot({ path: "e2e/artifacts/restore-done.png", fullPage: true });
  await expect(ops.locator(USERS).getByTestId("gauge-deleted")).toHaveText("30", { timeout: 15_000 });
  await ops.screenshot({ path: "e2e/artifacts/soft-deletes-after-restore.png", fullPage: true });
  await ops.context().close();
});

test("support is told why the re-registered email cannot be restored, and past-grace accounts neither", async ({ page }) => {
  await signIn(page, "support", "/restore");
  await page.goto("/restore");
  await page.getByTestId("restore-query").fill("alice@example.com");
  await page.getByTestId("restore-search").click();
  await expect(page.getByTestId("restore-hits")).toContainText("Account 2040");
  await page.getByTestId("restore-preview").click();
  await expect(page.getByTestId("restore-refusal")).toContainText("its email is now used by another live account");
  await expect(page.getByTestId("restore-run")).toHaveCount(0);
  await page.screenshot({ path: "e2e/artifacts/restore-refused.png", fullPage: true });
  await page.getByTestId("restore-query").fill("2020");
  await page.getByTestId("restore-search").click();
  await expect(page.getByTestId("restore-hits")).toContainText("Account 2020 (matched by id)");
  await page.getByTestId("restore-preview").click();
  await expect(page.getByTestId("restore-refusal")).toContainText("past the 30-day grace period (deleted 45 days ago)");
});

test("ops sees the restored account gone from the backlog, purges the rest past grace and every request completes", async ({ page }) => {
  await signIn(page, "ops", "/soft-deletes");
  await page.goto("/soft-deletes");
  const card = page.locator(USERS);
  await expect(card.getByTestId("gauge-deleted")).toHaveText("30");
  await card.getByTestId("purge-confirm").fill("shop.users");
  await card.getByTestId("purge-start").click();
  // the purge list polls while the job runs and refreshes the page when it ends: no reload
  const row = page.getByTestId("purge-jobs").locator("tr[data-purge]").first();
  await expect(row.getByTestId("purge-job-status")).toHaveText("completed", { timeout: 60_000 });
  await expect(row).toContainText("20 of 20 subjects");
  await expect(page.locator(USERS).getByTestId("gauge-pending")).toHaveText("0");
  await expect(page.getByTestId("deletion-requests").locator('tr[data-status="completed"]')).toHaveCount(20);
  await page.screenshot({ path: "e2e/artifacts/soft-deletes-purged.png", fullPage: true });
  // its page: the whole progress, each subject's request
  await page.getByTestId("purge-started").getByRole("link").click();
  await expect(page.getByTestId("purge-status")).toHaveText("completed");
  await expect(page.getByTestId("purge-subjects")).toHaveText("20 / 20");
  await expect(page.getByTestId("purge-progress")).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByTestId("deletion-requests").locator('tr[data-status="completed"]')).toHaveCount(20);
  await expect(page.getByTestId("purge-pause")).toHaveCount(0);
  await page.screenshot({ path: "e2e/artifacts/purge-job.png", fullPage: true });
  await page.goto("/jobs");
  await expect(page.getByTestId("purge-jobs").locator("tr[data-purge]").first()).toContainText("shop.users");
});
