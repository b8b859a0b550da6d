import { expect, test } from "@playwright/test";
import { signIn } from "./session";

test.describe.configure({ mode: "serial" });

/** Waits on what a server action changes: generous, it only turns a hang into a failure. */
const slow = expect.configure({ timeout: 60_000 });

const RELATION = "summary_symbol"; // 7 orphan summaries, one of them allowlisted in the demo config

test("preview → typed confirmation → a job whose progress completes, and the count drops to what it skipped", async ({ page }) => {
  await signIn(page, "ops", `/relations/${RELATION}`);
  await page.goto(`/relations/${RELATION}`);
  await expect(page.getByTestId("relation-orphans")).toHaveText("7");
  await page.getByTestId("cleanup-preview").click();
  await expect(page.getByTestId("preview-eligible")).toHaveText("6");
  await expect(page.getByTestId("preview-allowlisted")).toHaveText("1");
  const start = page.getByTestId("cleanup-start");
  await expect(start).toBeDisabled();
  await page.getByTestId("cleanup-confirm").fill("summary_symbo");
  await expect(start).toBeDisabled();
  await page.getByTestId("cleanup-confirm").fill(RELATION);
  await page.screenshot({ path: "e2e/artifacts/cleanup-preview.png", fullPage: true });
  await start.click();

  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  const bar = page.getByTestId("job-progress");
  await expect(bar).toBeVisible();
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 60_000 });
  await expect(bar).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByTestId("job-deleted")).toHaveText("6");
  await expect(page.getByTestId("job-skipped")).toHaveText("1");
  await expect(page.getByTestId("job-skipped-detail")).toContainText("1 allowlisted");
  await expect(page.getByTestId("job-skipped-detail")).toContainText("batches");
  // done, and too small to have a rate: neither a rate nor an ETA, nothing to pause
  await expect(page.getByText(/rows\/s|ETA/)).toHaveCount(0);
  await expect(page.getByTestId("job-pause")).toHaveCount(0);
  await page.screenshot({ path: "e2e/artifacts/cleanup-job.png", fullPage: true });

  await page.getByRole("link", { name: RELATION }).click();
  await expect(page.getByTestId("relation-orphans")).toHaveText("1");
  await expect(page.getByTestId("orphan-preview").locator("tbody tr")).toHaveCount(1);
});

test("a second cleanup of the same relation while none is active starts; the archive of the first is restored from its job page", async ({ page }) => {
  await signIn(page, "ops", "/jobs");
  await page.goto("/jobs");
  await page.getByTestId("cleanup-jobs").getByRole("link", { name: RELATION }).first().click();
  page.once("dialog", (d) => d.accept());
  await page.getByTestId("job-restore").click();
  await expect(page.getByTestId("job-restored")).toContainText("Restored 6 rows");
  // what was put back, by whom and when, stays on the job page; the archive is empty again
  const restores = page.getByTestId("archive-restores");
  await expect(restores).toContainText(/6 rows restored by \S+@\S+ just now/);
  await expect(restores).toContainText(".summaries: 6");
  await expect(page.getByTestId("job-archived")).toHaveText("0");
  await expect(page.getByText("Archived (6 put back)")).toBeVisible();
  await page.screenshot({ path: "e2e/artifacts/cleanup-archive-restored.png", fullPage: true });
  await page.getByRole("link", { name: RELATION }).click();
  await expect(page.getByTestId("relation-orphans")).toHaveText("7");
});

test("ops adds an orphan to the allowlist with a reason and an expiry; the DPO sees it but cannot clean up", async ({ page, browser }) => {
  await signIn(page, "ops", `/relations/shop.payments.order_id`);
  await page.goto(`/relations/${encodeURIComponent("shop.payments.order_id")}`);
  const list = page.getByTestId("allowlist");
  await list.getByLabel("order_id").fill("999991");
  await list.getByLabel("Reason").fill("disputed payment, case 77");
  await list.getByLabel("Until").fill("2030-01-31");
  await list.getByRole("button", { name: "Add to allowlist" }).click();
  await expect(list.locator("tbody")).toContainText("disputed payment, case 77");
  await page.getByTestId("cleanup-preview").click();
  await expect(page.getByTestId("preview-allowlisted")).toHaveText("1");

  const dpo = await (await browser.newContext()).newPage();
  await signIn(dpo, "dpo", `/relations/shop.payments.order_id`);
  await dpo.goto(`/relations/${encodeURIComponent("shop.payments.order_id")}`);
  await expect(dpo.getByTestId("allowlist")).toContainText("disputed payment, case 77");
  await expect(dpo.getByTestId("cleanup-panel")).toHaveCount(0);
  await expect(dpo.getByTestId("allowlist").getByRole("button", { name: "Add to allowlist" })).toHaveCount(0);
});

test("four eyes: over the threshold (rows below included) a job waits; the approver sees what the requester saw and rejects with a reason, or approves with a confirmation", async ({
  page,
  browser,
}) => {
  // Two people, two requests and a restore: server actions that each preview or sweep, slow on a loaded machine.
  test.setTimeout(240_000);
  // e2e/server.ts sets both relations' threshold to 10
  const ORDERS = "shop.orders.user_id"; // 5 orphan orders, 8 payments below them: 13
  const FEEDBACK = "feedback_profile"; // 14 orphan feedback rows, archived
  const request = async (relation: string, eligible: string, scope: string) => {
    await page.goto(`/relations/${encodeURIComponent(relation)}`);
    await page.getByTestId("cleanup-preview").click();
    await slow(page.getByTestId("preview-eligible")).toHaveText(eligible);
    await slow(page.getByTestId("cleanup-preview-result")).toContainText(`More than 10 rows (${scope} with the rows below them)`);
    await page.getByTestId("cleanup-confirm").fill(relation);
    await page.getByTestId("cleanup-start").click();
    await slow(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
    await slow(page.getByTestId("job-status")).toHaveText("awaiting approval");
    return page.url();
  };
  await signIn(page, "ops", `/relations/${encodeURIComponent(ORDERS)}`);
  const orders = await request(ORDERS, "5", "13");
  // the requester sees the card, not the buttons
  await slow(page.getByTestId("approval-card")).toBeVisible();
  await slow(page.getByTestId("job-approve")).toHaveCount(0);
  await slow(page.getByTestId("nav-pending-approvals")).toHaveCount(0);
  // ops may preview orphans: sample rows read from the target now, beside the keys kept on the job
  await slow(page.getByTestId("approval-sample")).toBeAttached();
  await slow(page.getByTestId("approval-sample-keys")).toBeAttached();

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin", "/");
  await slow(admin.getByTestId("nav-pending-approvals")).toHaveText("1");
  await slow(admin.getByTestId("pending-approvals")).toContainText(ORDERS);
  await admin.getByTestId("pending-approvals").getByRole("link", { name: ORDERS }).click();
  await slow(admin).toHaveURL(orders);
  const card = admin.getByTestId("approval-card");
  await slow(card.getByTestId("approval-then-eligible")).toHaveText("5");
  await slow(card.getByTestId("approval-then-allowlisted")).toHaveText("0");
  await slow(card.getByTestId("approval-then-below-shop:public.payments")).toHaveText("8");
  await slow(card.getByTestId("approval-then-scope")).toHaveText("13");
  await slow(card.getByTestId("approval-now-scope")).toHaveText("13");
  // admin may not preview orphans: the sampled rows' keys only, no row values
  await slow(card.getByTestId("approval-sample-keys")).toBeAttached();
  await slow(card.getByTestId("approval-sample")).toHaveCount(0);
  await admin.getByTestId("job-reject").click();
  await slow(admin.getByTestId("reject-confirm")).toBeDisabled();
  await admin.getByTestId("reject-reason").fill("no change ticket for the shop yet");
  await admin.screenshot({ path: "e2e/artifacts/approval-card.png", fullPage: true });
  await admin.getByTestId("reject-confirm").click();
  await slow(admin.getByTestId("job-rejected")).toContainText("no change ticket for the shop yet");
  await slow(admin.getByTestId("job-status")).toHaveText("rejected");
  await slow(admin.getByTestId("nav-pending-approvals")).toHaveCount(0);
  await page.goto(orders);
  await slow(page.getByTestId("job-rejected")).toContainText("no change ticket for the shop yet");

  // approved with a confirmation naming the rows, the job runs to its end
  const feedback = await request(FEEDBACK, "14", "14");
  await admin.goto(feedback);
  await admin.getByTestId("job-approve").click();
  await slow(admin.getByTestId("approve-confirm")).toContainText("remove up to 14 rows in all");
  await admin.getByTestId("approve-confirm-button").click();
  await slow(admin.getByTestId("job-status")).toHaveText("completed");
  await slow(admin.getByTestId("job-deleted")).toHaveText("14");
  await slow(admin.getByText(/approved by .* for up to 14 rows/)).toBeVisible();
  await admin.screenshot({ path: "e2e/artifacts/approval-approved.png", fullPage: true });

  // put the feedback back for the other tests
  await page.goto(feedback);
  page.once("dialog", (d) => d.accept());
  await page.getByTestId("job-restore").click();
  await slow(page.getByTestId("job-restored")).toContainText("Restored 14 rows");
});
