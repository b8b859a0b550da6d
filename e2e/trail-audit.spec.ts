// Runs after the other specs on the one demo server (files run in name order): it files an erasure
// request, which the erasure spec, starting from an empty request list, must not see.
import { expect, test, type Page } from "@playwright/test";
import { demoCredential, serverActionId, signIn } from "./session";

test.describe.configure({ mode: "serial" });

/** The audit page's rows for a filter, as the admin reads them. */
async function auditRows(page: Page, query: string) {
  await page.goto(`/audit?${query}`);
  return page.getByTestId("audit-events").locator("tbody tr");
}

test("admin's pages link (and so prefetch) only pages admin may open: no page.view denied nobody caused", async ({ page }) => {
  await signIn(page, "admin");
  // denials the specs before this one caused on purpose (admin opening a page it may not) stay: only new ones count
  const denied = () => page.getByTestId("audit-events").locator("tbody tr", { hasText: demoCredential("admin").email });
  await page.goto("/audit?action=page.view&result=denied");
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  const before = await denied().count();
  // every link of the overview in view, and the time to prefetch them
  await page.goto("/");
  await expect(page.getByTestId("alerts")).toContainText("activity_profile");
  await page.mouse.wheel(0, 10_000);
  await page.waitForLoadState("networkidle");
  await page.goto("/jobs");
  await page.mouse.wheel(0, 10_000);
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: "e2e/artifacts/audit-trail-admin-overview.png", fullPage: true });

  await page.goto("/audit?action=page.view&result=denied");
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  await expect(denied()).toHaveCount(before);
  // the alert names its relation, as text: admin cannot open relation pages
  await page.goto("/");
  await expect(page.getByTestId("alert").first().getByRole("link")).toHaveCount(0);
});

test("a NUL byte in a denied call's input is recorded, not a reason to lose the record", async ({ page, browser }) => {
  await signIn(page, "support");
  const res = await page.request.post("/users", {
    headers: { "next-action": serverActionId("lib/users/actions.ts", "setUserRoles"), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: JSON.stringify([{ userId: "nul\u0000byte", roles: ["admin"] }]),
  });
  expect(res.status()).toBe(403);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin");
  const rows = await auditRows(admin, "action=users.roles&result=denied");
  await expect(rows.filter({ hasText: "user:nul\\u0000byte" })).toHaveCount(1);
  await expect(rows.first()).toContainText(demoCredential("support").email);
});

test("a server action from another origin is refused and recorded", async ({ page, browser }) => {
  await signIn(page, "ops");
  const id = serverActionId("lib/sweeps/actions.ts", "scanNow");
  const res = await page.request.post("/", {
    headers: { "next-action": id, origin: "https://evil.example", "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: "[{}]",
  });
  expect(res.status()).toBe(403);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin");
  const rows = await auditRows(admin, "action=server_action&result=denied");
  await expect(rows.filter({ hasText: `server_action:${id}` })).toHaveCount(1);
  await expect(rows.first()).toContainText("origin https://evil.example is not");
  await expect(rows.first()).toContainText(demoCredential("ops").email);
});

test("the request id is the server's, and users.create and erasure.request_add name their object", async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  const res = await request.get("/sign-in", { headers: { "x-request-id": "chosen-by-the-client" } });
  expect(res.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);

  await signIn(page, "admin", "/users");
  await page.goto("/users");
  const create = page.locator("form", { hasText: "Create a user" });
  await create.getByLabel("Email").fill("audited.ops@example.com");
  await create.getByLabel("Name").fill("Audited Ops");
  await create.getByLabel(/Initial password/).fill("a long enough passphrase");
  await create.getByLabel("Ops").check();
  await create.getByRole("button", { name: "Create user" }).click();
  await expect(page.locator('tr[data-user="audited.ops@example.com"]')).toBeVisible();
  const created = await auditRows(page, "action=users.create&result=ok");
  await expect(created.first()).toContainText(/user:[0-9a-f-]{36}/);

  const dpo = await (await browser.newContext()).newPage();
  await signIn(dpo, "dpo");
  await dpo.goto("/erasure");
  await dpo.getByTestId("request-key").fill("3046");
  await dpo.getByTestId("request-add").click();
  // the erasure page re-renders its coverage report (live targets) after the action: slow on a busy machine
  await expect(dpo.getByTestId("subject-label")).toHaveText("shop.users:3046", { timeout: 60_000 });
  const added = await auditRows(page, "action=erasure.request_add&result=ok");
  await expect(added.first()).toContainText("subject:shop.users:3046");
  await page.screenshot({ path: "e2e/artifacts/audit-trail-objects.png", fullPage: true });
});
