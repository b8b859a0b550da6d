import path from "node:path";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { signIn } from "./session";

// The demo: the code graph's relations still have orphans (blocked), the activity and social
// relations point at shop users in another database (impossible).
test("the prevention page lists every relation's constraint by status", async ({ page }) => {
  await signIn(page, "ops", "/prevention");
  await page.goto("/prevention");
  await expect(page.getByRole("heading", { name: "Prevention", level: 1 })).toBeVisible();
  const blocked = page.getByTestId("prevention-blocked");
  await expect(blocked.getByTestId("proposal-summary_symbol")).toContainText("orphan row(s) remain", { timeout: 60_000 });
  await expect(blocked.getByTestId("proposal-summary_symbol")).toContainText("ON DELETE CASCADE");
  const impossible = page.getByTestId("prevention-impossible");
  await expect(impossible.getByTestId("proposal-activity_profile")).toContainText("another target");
  await page.screenshot({ path: "e2e/artifacts/prevention.png", fullPage: true });
});

// The demo's entry points keep 3 orphans; cleaned here by hand (as a cleanup would), their
// constraint is ready. Ops asks for it with a typed confirmation; a second person (admin)
// approves on the job's page; the web process's worker rebuilds the SQLite table and the
// job shows the constraint as the catalog has it afterwards.
test("ops requests a ready constraint, admin approves it, the job adds it and shows it validated", async ({ browser }) => {
  const relation = "codegraph.entry_points.symbol_fqn";
  const db = new Database(path.resolve(import.meta.dirname, "artifacts/server/data/codegraph.db"));
  db.prepare("DELETE FROM entry_points WHERE symbol_fqn NOT IN (SELECT fqn FROM symbols)").run();
  db.close();

  const ops = await browser.newPage();
  await signIn(ops, "ops", "/prevention");
  await ops.goto("/prevention");
  const card = ops.getByTestId("prevention-ready").getByTestId(`proposal-${relation}`);
  await expect(card).toContainText("ON DELETE CASCADE", { timeout: 60_000 });
  await card.getByTestId(`apply-open-${relation}`).click();
  const submit = card.getByTestId("apply-submit");
  await expect(submit).toHaveText("Request approval");
  await card.getByTestId("apply-confirm").fill("entry_points");
  await expect(submit).toBeDisabled();
  await card.getByTestId("apply-confirm").fill(relation);
  await submit.click();
  await expect(ops).toHaveURL(/\/prevention\/jobs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const jobUrl = new URL(ops.url()).pathname;
  await expect(ops.getByTestId("prevention-job-status")).toHaveText("awaiting approval");
  await expect(ops.getByTestId("prevention-approval")).toContainText("You requested it: someone else approves it.");
  await expect(ops.getByTestId("prevention-approve")).toHaveCount(0);
  await expect(ops.getByTestId(`requested-${relation}`)).toContainText(`PRAGMA "main".foreign_key_check("entry_points")`);
  await ops.screenshot({ path: "e2e/artifacts/prevention-awaiting.png", fullPage: true });

  const admin = await browser.newPage();
  await signIn(admin, "admin", "/");
  await expect(admin.getByTestId("pending-approvals")).toContainText("Constraints waiting for your approval: 1");
  await admin.getByTestId("pending-approvals").getByRole("link", { name: relation }).click();
  await expect(admin).toHaveURL(jobUrl);
  await admin.getByTestId("prevention-approve").click();
  await admin.getByTestId("prevention-approve-confirm").click();
  await expect(admin.getByTestId("prevention-job-status")).toHaveText("applied", { timeout: 60_000 });
  const verified = admin.getByTestId("prevention-verified");
  await expect(verified).toContainText(relation);
  await expect(verified.locator("tbody tr")).toContainText("yesyesCASCADE");
  await admin.screenshot({ path: "e2e/artifacts/prevention-applied.png", fullPage: true });

  // the requester's page follows it without a reload; the proposal now reads "exists"
  await expect(ops.getByTestId("prevention-job-status")).toHaveText("applied", { timeout: 30_000 });
  await ops.goto("/prevention");
  await expect(ops.getByTestId("prevention-exists").getByTestId(`proposal-${relation}`)).toBeVisible({ timeout: 60_000 });
  await expect(ops.getByTestId("prevention-jobs")).toContainText("applied");
});
