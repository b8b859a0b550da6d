import { execFileSync } from "node:child_process";
import { createHash, createPublicKey } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "./session";

const ARTIFACTS = path.resolve(import.meta.dirname, "artifacts/erasure");

test.describe.configure({ mode: "serial" });

test("the DPO files a request, verifies it and sees the rows another database kept", async ({ page }) => {
  await signIn(page, "dpo", "/erasure");
  await page.goto("/erasure");
  await expect(page.getByText("No erasure requests yet")).toBeVisible();
  // the coverage report names the table a deletion handler forgot
  await expect(page.getByTestId("coverage-entry")).toHaveCount(1);
  await expect(page.getByTestId("coverage-entry")).toContainText("social.main.customer_sessions.profile_id");

  // a key that is no bigint is refused, naming the type, and nothing is filed
  await page.getByTestId("request-key").fill("3O47");
  await page.getByTestId("request-add").click();
  await expect(page.getByText("key '3O47' is not a bigint (shop.users.id)")).toBeVisible();
  await page.reload();
  await expect(page.getByText("No erasure requests yet")).toBeVisible();
  // another spelling of 3047 is filed as 3047
  await page.getByTestId("request-key").fill("+03047");
  await page.getByTestId("request-add").click();
  await expect(page.getByTestId("subject-label")).toHaveText("shop.users:3047");
  await page.getByTestId("verify-now").click();
  await expect(page.getByTestId("verify-result")).toContainText("incomplete", { timeout: 30_000 });
  // what Custodian knew before this first verification (the startup sweep saw 3047's activity rows orphaned), and the gap it did not check
  await expect(page.getByTestId("trace-summary")).toHaveText(
    /^Orphaned references seen by sweeps since \d{4}-\d{2}-\d{2} \(activity_profile, email_link_profile\)\.$/,
  );
  await expect(page.getByTestId("unreviewed-note")).toContainText("1 column not yet reviewed, so never checked: social.main.customer_sessions.profile_id");
  const activity = page.locator('[data-testid="residue-row"][data-table="customer_activity"]');
  await expect(activity).toContainText("47");
  await expect(activity).toContainText("activity_profile");
  await expect(page.getByTestId("evidence-history").locator("tbody tr")).toHaveCount(1);

  // the evidence key: its fingerprint on the page, its public half for the DPO to hand to an auditor
  const fingerprint = (await page.getByTestId("evidence-key-fingerprint").textContent())!;
  expect(fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-public-key").click()]);
  mkdirSync(ARTIFACTS, { recursive: true });
  const pem = path.join(ARTIFACTS, "evidence-public-key.pem");
  await download.saveAs(pem);
  const raw = Buffer.from(createPublicKey(readFileSync(pem, "utf8")).export({ format: "jwk" }).x!, "base64url");
  expect(createHash("sha256").update(raw).digest("hex").match(/.{4}/g)!.join(" ")).toBe(fingerprint);
  await page.goto("/erasure");
  await expect(page.getByTestId("evidence-key-fingerprint")).toHaveText(fingerprint);
  await page.screenshot({ path: path.join(ARTIFACTS, "evidence-key.png") });
});

test("the DPO marks a coverage entry as not personal data, with a reason, and the review is audited", async ({ page }) => {
  await signIn(page, "dpo", "/erasure");
  await page.goto("/erasure");
  const entry = page.getByTestId("coverage-entry");
  await entry.getByLabel("Reason").fill("x");
  await entry.getByRole("button", { name: "Not personal data" }).click();
  await expect(entry).toContainText("say why");
  await entry.getByLabel("Reason").fill("sessions hold a device hash only");
  await entry.getByRole("button", { name: "Not personal data" }).click();
  await expect(entry).toContainText("Not personal data: sessions hold a device hash only");
  await page.goto("/audit?action=erasure.coverage_review&result=ok");
  await expect(page.locator("tbody tr").first()).toContainText("customer_sessions");
});

test("the DPO uploads keys, verifies them all with progress, filters incomplete ones and downloads one's PDF", async ({ page }) => {
  await signIn(page, "dpo", "/erasure");
  await page.goto("/erasure");
  await page.getByTestId("request-file").setInputFiles({ name: "keys.csv", mimeType: "text/csv", buffer: Buffer.from("id\n3002\n999999\n12345\n3047\n") });
  await page.getByTestId("request-upload").click();
  await expect(page.getByTestId("upload-result")).toHaveText("3 added, 1 already requested.");

  await page.getByTestId("verify-all").click();
  await expect(page.getByTestId("verify-all-progress")).toBeVisible();
  await expect(page.getByTestId("verify-all-result")).toHaveText("Verified 4: 1 complete, 3 incomplete.", { timeout: 90_000 });

  await page.getByRole("link", { name: "Incomplete", exact: true }).click();
  await expect(page).toHaveURL(/state=incomplete/);
  const rows = page.getByTestId("erasure-requests").locator("tbody tr");
  await expect(rows).toHaveCount(3);
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-state")))).toEqual(["incomplete", "incomplete", "incomplete"]);
  await expect(page.getByTestId("erasure-requests")).not.toContainText("shop.users:999999");
  await page.screenshot({ path: path.join(ARTIFACTS, "incomplete.png"), fullPage: true });

  await page.getByRole("link", { name: "shop.users:3002" }).click();
  await expect(page.getByTestId("subject-label")).toHaveText("shop.users:3002");
  await expect(page.locator('[data-testid="residue-row"][data-table="customer_activity"]')).toContainText("11");
  await expect(page.locator('[data-testid="residue-row"][data-table="customer_email_links"]')).toContainText("1");
  await page.screenshot({ path: path.join(ARTIFACTS, "subject.png"), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-pdf").click()]);
  mkdirSync(ARTIFACTS, { recursive: true });
  const pdf = path.join(ARTIFACTS, "erasure-3002.pdf");
  await download.saveAs(pdf);
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  expect(text).toContain("Erasure verification report");
  expect(text).toContain("subject shop.users:3002");
  expect(text).toMatch(/shop\.users:3002\s+INCOMPLETE · 13 rows/);
  expect(text).toMatch(/customer_activity\s+11/);
  expect(text).toMatch(/Evidence chain\s+holds: 5 records/);
  expect(text.replace(/\s+/g, " ")).toContain(`Signing key Ed25519, SHA-256 fingerprint ${await page.getByTestId("evidence-key-fingerprint").textContent()}`);
  // rendered for a person to look at: e2e/artifacts/erasure/erasure-3002-1.png
  execFileSync("pdftoppm", ["-png", "-r", "80", pdf, path.join(ARTIFACTS, "erasure-3002")]);
});

test("ops sees the requests and verdicts read-only", async ({ page }) => {
  await signIn(page, "ops", "/erasure");
  await page.goto("/erasure");
  await expect(page.getByTestId("erasure-requests").locator("tbody tr")).toHaveCount(4);
  await expect(page.getByTestId("verify-all")).toHaveCount(0);
  await expect(page.getByTestId("request-add")).toHaveCount(0);
  await page.getByRole("link", { name: "shop.users:3047" }).click();
  await expect(page.getByTestId("breakdown")).toBeVisible();
  await expect(page.getByTestId("verify-now")).toHaveCount(0);
  await expect(page.getByTestId("download-pdf")).toHaveCount(0);
  const refused = await page.request.get(`/api/erasure/report.pdf?request=${page.url().split("/").pop()}`);
  expect(refused.status()).toBe(403);
  await expect(page.getByTestId("evidence-key-fingerprint")).toBeVisible();
  await expect(page.getByTestId("download-public-key")).toHaveCount(0);
  expect((await page.request.get("/api/erasure/public-key.pem")).status()).toBe(403);
});

test("the DPO withdraws a mistaken request with a reason: it leaves the open lists, stays marked with its evidence, and is audited", async ({ page }) => {
  await signIn(page, "dpo", "/erasure");
  await page.goto("/erasure");
  await page.getByRole("link", { name: "shop.users:999999" }).click();
  await expect(page.getByTestId("verdict-text")).toHaveText(/complete, never seen by Custodian/);
  await page.getByTestId("withdraw-open").click();
  await page.getByTestId("withdraw-reason").fill("filed for the wrong customer");
  await page.getByTestId("withdraw-submit").click();
  await expect(page.getByTestId("withdraw-confirm-text")).toContainText("Withdraw the request for shop.users:999999?");
  await page.getByTestId("withdraw-submit").click();
  await expect(page.getByTestId("withdrawn-note")).toContainText("filed for the wrong customer");
  await expect(page.getByTestId("withdrawn-badge")).toBeVisible();
  await expect(page.getByTestId("verify-now")).toHaveCount(0);
  await expect(page.getByTestId("evidence-history").locator("tbody tr")).toHaveCount(1);
  await page.screenshot({ path: path.join(ARTIFACTS, "withdrawn.png"), fullPage: true });

  await page.goto("/erasure");
  await expect(page.getByTestId("erasure-requests").locator("tbody tr")).toHaveCount(3);
  await expect(page.getByTestId("erasure-requests")).not.toContainText("shop.users:999999");
  await page.getByRole("link", { name: "Withdrawn (1)" }).click();
  const rows = page.getByTestId("erasure-requests").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("shop.users:999999");
  await expect(rows.first().getByTestId("withdrawn-badge")).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, "withdrawn-list.png"), fullPage: true });

  await page.goto("/audit?action=erasure.request_withdraw&result=ok");
  await expect(page.locator("tbody tr")).toHaveCount(1);
});
