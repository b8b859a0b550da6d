import { expect, test } from "@playwright/test";
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
