/**
 * `npm run bench:startup`: how long after `npm start` says "serving" the first page is
 * answered. The goal is under 2 s: the startup sweep runs beside the server
 * (lib/server/startup.ts), it no longer holds the first request for the length of a sweep.
 * The server says "serving" once it has answered its own first page (scripts/serve.ts), so
 * the whole start is measured too, from launching `npm start`'s script: "launch → page".
 *
 * Two starts of the demo (private databases and store, on 127.0.0.1 only), measured in the
 * same run:
 *   first start  an empty store: the demo's month replay (31 sweeps) runs while the page is asked for;
 *   warm start   the same store again, swept within the hour: no startup sweep (the baseline).
 * The ratio first/warm near 1 says the sweep costs the first page nothing.
 *
 *   npm run bench:startup [-- --port 3220]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { buildDemo, DEMO_CONFIG } from "../lib/demo/build";

const GOAL_MS = 2000;
/** Each wait is bounded: a server that never answers ends the run instead of hanging it. */
const WAIT_LIMIT_MS = 10 * 60_000;
const TOKEN = "bench-startup-token";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { port: { type: "string", default: process.env.BENCH_PORT ?? "3220" } } });
const base = `http://127.0.0.1:${values.port}`;
const work = path.join(root, "bench/artifacts/startup");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const config = path.join(work, "custodian.config.yaml");
writeFileSync(config, stringify(parse(readFileSync(DEMO_CONFIG, "utf8"))));
await buildDemo({ dir: path.join(work, "data") });

interface Start {
  /** `npm start`'s script launched → "serving" printed (the demo and the web build in place, the server up). */
  servingMs: number;
  /** `npm start`'s script launched → first page (/sign-in) answered 200: the whole start, nothing left out. */
  launchToPageMs: number;
  /** "serving" printed → first page (/sign-in) answered 200. */
  firstPageMs: number;
  /** "serving" printed → /api/ready answered 200. */
  readyMs: number;
  /** "serving" printed → a completed sweep in the store (the first start's sweep; at once on a warm start). */
  sweptMs: number;
}

async function start(label: string): Promise<Start> {
  const launched = performance.now();
  // what `npm start` runs (scripts/start.mjs: start.ts as plain JavaScript while its bundle is fresh)
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs"), "--port", values.port!, "--hostname", "127.0.0.1"], {
    cwd: root,
    detached: true, // its own process group: stopping it stops the server it spawned
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      CUSTODIAN_CONFIG: config,
      CUSTODIAN_DATA_DIR: path.join(work, "state"),
      CUSTODIAN_DEMO: "1",
      CUSTODIAN_METRICS_TOKEN: TOKEN,
      CUSTODIAN_LOG_LEVEL: "warn",
    },
  });
  try {
    const serving = await servingAt(child);
    const [firstPage, ready, swept] = await Promise.all([
      until(async () => (await get("/sign-in")) === 200),
      until(async () => (await get("/api/ready")) === 200),
      until(async () => (await metrics()).includes("custodian_last_sweep_timestamp_seconds")),
    ]);
    const r = {
      servingMs: serving - launched,
      launchToPageMs: firstPage - launched,
      firstPageMs: firstPage - serving,
      readyMs: ready - serving,
      sweptMs: swept - serving,
    };
    console.log(
      `${label.padEnd(12)} launch → serving ${ms(r.servingMs)}, → page ${ms(r.launchToPageMs)} | after "serving": first page ${ms(r.firstPageMs)}  ready ${ms(r.readyMs)}  sweep done ${ms(r.sweptMs)}`,
    );
    return r;
  } finally {
    await stop(child);
  }
}

/** When the server says "serving" (scripts/serve.ts: listening, its first page answered). */
function servingAt(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (/custodian: serving/.test(seen)) {
        resolve(performance.now());
        seen = "";
      }
      if (seen.length > 100_000) seen = seen.slice(-1000);
    });
    child.once("exit", (code) => reject(new Error(`the server exited (${code}) before serving`)));
  });
}

async function get(route: string): Promise<number> {
  try {
    return (await fetch(base + route, { redirect: "manual", signal: AbortSignal.timeout(30_000) })).status;
  } catch {
    return 0;
  }
}

async function metrics(): Promise<string> {
  try {
    const res = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(30_000) });
    return res.ok ? await res.text() : "";
  } catch {
    return "";
  }
}

/** When `ok` first holds, polled every 25 ms (a request under way is not overlapped). */
async function until(ok: () => Promise<boolean>): Promise<number> {
  const limit = performance.now() + WAIT_LIMIT_MS;
  while (!(await ok())) {
    if (performance.now() > limit) throw new Error(`no answer within ${WAIT_LIMIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return performance.now();
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode != null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid!, "SIGTERM");
  const killed = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 30_000);
  await exited;
  clearTimeout(killed);
}

const ms = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`.padStart(10);

const first = await start("first start");
const warm = await start("warm start");
console.log(`\nfirst page after "serving": ${ms(first.firstPageMs)} on a first start (sweep under way), ${ms(warm.firstPageMs)} on a warm start (no sweep)`);
console.log(`first page after launch:    ${ms(first.launchToPageMs)} on a first start, ${ms(warm.launchToPageMs)} on a warm start`);
console.log(`ratio first/warm: ${(first.firstPageMs / warm.firstPageMs).toFixed(2)}×; goal < ${GOAL_MS} ms: ${first.firstPageMs < GOAL_MS ? "met" : "MISSED"}`);
rmSync(work, { recursive: true, force: true });
process.exit(first.firstPageMs < GOAL_MS ? 0 : 1);
