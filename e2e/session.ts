import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import type { DemoCredential } from "../lib/auth/bootstrap";
import type { Role } from "../lib/auth/permissions";

/** The demo accounts the e2e server printed and kept (e2e/server.ts: its data folder). */
export function demoCredential(role: Role): DemoCredential {
  const file = path.resolve(import.meta.dirname, "artifacts/server/state/demo-credentials.json");
  const all = JSON.parse(readFileSync(file, "utf8")) as DemoCredential[];
  return all.find((c) => c.role === role)!;
}

/** Signs in through the real form, as a person would. */
export async function signIn(page: Page, role: Role, next = "/"): Promise<void> {
  const { email, password } = demoCredential(role);
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toContainText(email, { timeout: 20_000 });
}

/** The id Next gave a server action in this build (what a client sends in the Next-Action header). */
export function serverActionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../.next/server/server-reference-manifest.json"), "utf8"));
  const entry = Object.entries(manifest.node as Record<string, { filename: string; exportedName: string }>).find(
    ([, v]) => v.filename === file && v.exportedName === exportedName,
  );
  if (!entry) throw new Error(`no server action ${exportedName} in ${file} in this build`);
  return entry[0];
}
