/**
 * The web process's SIGTERM, in a real process: readiness turns to "stopping" at once, the
 * job queue stops before Next's own handler closes the server and exits, once however
 * many signals arrive.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { waitFor } from "./wait";

it("stops the job queue first, then hands the signal to Next's own handler, once", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "web-shutdown-child.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await waitFor(async () => out.includes("ready"), { what: "the child to start" });
  child.kill("SIGTERM");
  expect(await exit).toBe(143);
  expect(out.trim().split("\n")).toEqual(["ready", "jobs: stopping (1), phase stopping", "jobs: stopped", "next: SIGTERM, phase stopping"]);
});
