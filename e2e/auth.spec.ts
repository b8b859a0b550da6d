import { expect, test } from "@playwright/test";
import { demoCredential, serverActionId, signIn } from "./session";

// What each demo role sees in the navigation, and pages it must not open.
const ROLE_VIEW = {
  admin: {
    nav: ["Overview", "Jobs", "Audit", "Users", "Targets"],
    refused: ["/restore", "/relations", "/relations/shop.payments.order_id", "/erasure", "/soft-deletes"],
  },
  ops: { nav: ["Overview", "Relations", "Jobs", "Soft deletes", "Prevention", "Erasure", "Targets"], refused: ["/audit", "/users", "/restore"] },
  dpo: { nav: ["Overview", "Relations", "Jobs", "Soft deletes", "Prevention", "Erasure", "Audit", "Users"], refused: ["/restore", "/targets"] },
  support: { nav: ["Restore"], refused: ["/audit", "/users", "/erasure", "/soft-deletes", "/targets"] },
} as const;

test("nothing is reachable without signing in", async ({ page, request }) => {
  for (const path of ["/", "/audit", "/users", "/restore"]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=${encodeURIComponent(path).replace(/\//g, "%2F")}`));
  }
  expect((await request.get("/api/audit/export")).status()).toBe(401);
  await page.getByLabel("Email").fill(demoCredential("ops").email);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form [role=alert]")).toHaveText("That email and password do not match an active account.");
  await page.screenshot({ path: "e2e/artifacts/sign-in.png" });
});

for (const [role, view] of Object.entries(ROLE_VIEW)) {
  test(`${role} sees only what the role allows`, async ({ page }) => {
    await signIn(page, role as keyof typeof ROLE_VIEW);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([...view.nav]);
    await page.screenshot({ path: `e2e/artifacts/home-${role}.png`, fullPage: true });
    for (const path of view.refused) {
      const res = await page.goto(path);
      expect(res?.status(), `${role} ${path}`).toBe(403);
      await expect(page.getByTestId("forbidden")).toContainText("Not allowed");
    }
  });
}

test("support starts on Restore and is refused an ops-only action called directly, audited as denied", async ({ page, browser }) => {
  await signIn(page, "support");
  await expect(page).toHaveURL(/\/restore$/);
  // What a crafted request would do: invoke "Scan now" (ops only) by its action id.
  const res = await page.request.post("/", {
    headers: { "next-action": serverActionId("lib/sweeps/actions.ts", "scanNow"), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: "[{}]",
  });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain("NEXT_HTTP_ERROR_FALLBACK;403");
  await page.goto("/audit");
  await page.screenshot({ path: "e2e/artifacts/forbidden.png" });

  // The admin finds both refusals in the audit trail.
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin");
  await admin.goto("/audit?result=denied");
  const denied = admin.getByTestId("audit-events").locator("tr[data-result=denied]");
  await expect(denied.filter({ hasText: "scans.run" }).first()).toContainText(demoCredential("support").email);
  await expect(denied.filter({ hasText: "page:/audit" }).first()).toContainText("needs audit.read");
  await admin.screenshot({ path: "e2e/artifacts/audit.png", fullPage: true });
  const download = admin.waitForEvent("download");
  await admin.getByTestId("audit-export").click();
  const csv = await (await download).path();
  const text = (await import("node:fs")).readFileSync(csv, "utf8");
  expect(text.split("\r\n")[0]).toBe("id,at,actor_id,actor,roles,action,object,params,result,reason,request_id");
  expect(text).toContain("scans.run");
  expect(text).not.toContain(demoCredential("support").password);
});

test("signing out ends the session: the old cookie opens nothing", async ({ page, browser }) => {
  await signIn(page, "dpo");
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "custodian.session_token")?.httpOnly).toBe(true);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await again.goto("/audit");
  await expect(again).toHaveURL(/\/sign-in/);
});

test("an admin invites a user, who sets a password and signs in with the role given", async ({ page, browser }) => {
  await signIn(page, "admin", "/users");
  await page.goto("/users");
  const invite = page.locator("form", { hasText: "Invite by link" });
  await invite.getByLabel("DPO").check();
  await invite.getByRole("button", { name: "Create invitation link" }).click();
  const url = await page.getByTestId("invite-url").textContent();
  expect(url).toMatch(/\/setup\?token=/);
  await page.screenshot({ path: "e2e/artifacts/users.png", fullPage: true });

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(new URL(url!).pathname + new URL(url!).search);
  await invitee.getByLabel("Email").fill("new.dpo@example.com");
  await invitee.getByLabel("Name").fill("New DPO");
  await invitee.getByLabel(/Password/).fill("a long enough passphrase");
  await invitee.getByRole("button", { name: "Create account" }).click();
  await expect(invitee).toHaveURL(/\/sign-in/);
  await invitee.getByLabel("Email").fill("new.dpo@example.com");
  await invitee.getByLabel("Password").fill("a long enough passphrase");
  await invitee.getByRole("button", { name: "Sign in" }).click();
  await expect(invitee.getByTestId("whoami")).toContainText("new.dpo@example.com · DPO");

  // the admin deactivates them: their open session ends at once
  await page.reload();
  page.once("dialog", (d) => d.accept());
  await page.locator('tr[data-user="new.dpo@example.com"]').getByRole("button", { name: "Deactivate" }).click();
  await expect(page.locator('tr[data-user="new.dpo@example.com"]').getByRole("button", { name: "Reactivate" })).toBeVisible();
  await invitee.goto("/audit");
  await expect(invitee).toHaveURL(/\/sign-in/);
});

test("pages carry a Content-Security-Policy that forbids framing, and no framework banner", async ({ request }) => {
  const res = await request.get("/sign-in");
  expect(res.status()).toBe(200);
  const csp = res.headers()["content-security-policy"];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(res.headers()["x-powered-by"]).toBeUndefined();
});

test("a crafted ?next= sends the browser nowhere but this server after sign-in", async ({ browser, baseURL }) => {
  const { email, password } = demoCredential("ops");
  for (const next of ["/%09/evil.example/x", "//evil.example/x", "/%5Cevil.example/x", "https:evil.example/x"]) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`/sign-in?next=${next}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("whoami")).toContainText(email);
    expect(new URL(page.url()).origin, next).toBe(new URL(baseURL!).origin);
    await page.context().close();
  }
});

test("open invitations are listed with who made them, and a revoked link stops working", async ({ page, browser }) => {
  await signIn(page, "admin", "/users");
  await page.goto("/users");
  const invite = page.locator("form", { hasText: "Invite by link" });
  await invite.getByLabel("Support").check();
  await invite.getByRole("button", { name: "Create invitation link" }).click();
  const url = new URL((await page.getByTestId("invite-url").textContent())!);
  const row = page.getByTestId("invitations").locator("tr", { hasText: "support" }).filter({ hasText: "Demo admin" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(/in \d+ (h|days)/);
  await page.screenshot({ path: "e2e/artifacts/users-invitations.png", fullPage: true });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toHaveCount(0);

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(url.pathname + url.search);
  await expect(invitee.getByRole("heading", { name: "This link does not work" })).toBeVisible();

  await page.goto("/audit");
  await expect(page.getByTestId("audit-events").locator("tr", { hasText: "users.invite_revoke" }).first()).toBeVisible();
});
