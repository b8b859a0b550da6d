/**
 * SIGTERM under Custodian's own web server (scripts/serve.ts), in a real process: a request
 * in flight is answered, no new connection is taken meanwhile, the job queue stops after,
 * and the process exits 0.
 */
import { spawn } from "node:child_process";
import { request } from "node:http";
import path from "node:path";
import { expect, it } from "vitest";
import { waitFor } from "./wait";

/** A GET on a connection of its own: its body, or the connection's error. */
function get(port: number, urlPath: string): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: urlPath, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

it("answers the request in flight, refuses new connections, stops the jobs, then exits 0", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "web-serve-child.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await waitFor(async () => out.includes("listening"), { what: "the child to listen" });
  const port = Number(/listening (\d+)/.exec(out)![1]);

  const slow = get(port, "/slow");
  await waitFor(async () => out.includes("slow: started"), { what: "the slow request to reach the handler" });
  child.kill("SIGTERM");
  // the server stops taking connections while the slow request is still open
  await waitFor(async () => (await get(port, "/")).error === "ECONNREFUSED", { what: "new connections to be refused" });
  expect(out).not.toContain("jobs: stopping");
  expect(child.exitCode).toBeNull();

  child.stdin.write("release\n");
  expect(await slow).toEqual({ status: 200, body: "slow done, phase stopping" });
  expect(await exit).toBe(0);
  expect(out.trim().split("\n").slice(1)).toEqual(["slow: started", "slow: answered", "jobs: stopping, phase stopping"]);
});
