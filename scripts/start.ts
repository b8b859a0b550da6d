/**
 * `npm start`: Custodian on its embedded default. With no custodian.config.yaml (and no
 * CUSTODIAN_CONFIG) it runs the demo: builds the demo databases on first run, builds the
 * web app when its build is missing or older than the sources, then serves it. The
 * server applies store migrations and sweeps at start (instrumentation.ts).
 *
 *   npm start [-- --port 3000] [-- --hostname 0.0.0.0]
 *
 * It listens on every interface, except the demo, which listens on 127.0.0.1 only (its
 * accounts' passwords are printed on the console) unless --hostname or HOST says otherwise.
 *
 * The server says "custodian: serving http://…" itself, once it answers (scripts/serve.ts).
 * It runs as plain JavaScript (dist/cli/serve.mjs, built by scripts/build-cli.mjs when older
 * than its sources): under tsx its start and its first page took seconds longer, every
 * module Next.js loads going through tsx's hooks and source maps. This script too runs
 * bundled (dist/cli/start.mjs: scripts/start.mjs, `npm start`, picks it while fresh), and
 * loads little: the demo's builder (PGlite, SQLite, the seed data) only when a demo
 * database is missing.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEMO_CONFIG, missingDemoDatabases } from "../lib/demo/paths";
import { APP_DIR } from "../lib/server/app-dir";
import { listenHostname } from "../lib/server/listen-hostname";
import { bundleIsFresh } from "./bundle-stamp.mjs";

// From the sources and from the bundle alike (dist/cli/start.mjs, run by scripts/start.mjs).
const root = APP_DIR;
const { values } = parseArgs({ options: { port: { type: "string", default: process.env.PORT ?? "3000" }, hostname: { type: "string" } } });
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
// Where people reach this server: sign-in accepts requests from this origin only.
env.CUSTODIAN_URL ??= `http://localhost:${values.port}`;
const nextBin = path.join(root, "node_modules/next/dist/bin/next");

if (!env.CUSTODIAN_CONFIG && !existsSync(path.join(root, "custodian.config.yaml"))) {
  env.CUSTODIAN_CONFIG = DEMO_CONFIG;
  env.CUSTODIAN_DEMO = "1";
  const built = missingDemoDatabases().length ? await buildDemoDatabases() : [];
  console.error(`custodian: demo mode (${path.relative(root, DEMO_CONFIG)})${built.length ? `, built ${built.join(", ")}` : ""}`);
}

if (buildIsStale()) {
  console.error("custodian: building the web app (once, ~1 min)…");
  const r = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const hostname = listenHostname(env, values.hostname);
// Same process group as this script: Ctrl-C, or a test runner stopping the group, stops
// the server (scripts/serve.ts: Next.js behind a server that stamps each client's address).
const serve = [...serveEntry(), "--port", values.port, ...(hostname ? ["--hostname", hostname] : [])];
const server = spawn(process.execPath, serve, { cwd: root, env: { ...env, NODE_ENV: "production" }, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

async function buildDemoDatabases(): Promise<string[]> {
  const { buildDemo } = await import("../lib/demo/build");
  return (await buildDemo({ log: (l) => console.error(`custodian: ${l}`) })).built;
}

/**
 * The web server as plain JavaScript, dist/cli/serve.mjs, built now if missing or older than a
 * source it was built from; the TypeScript under tsx if it cannot be built (same server, slower to start).
 */
function serveEntry(): string[] {
  if (serveBundleIsFresh()) return [path.join(root, "dist/cli/serve.mjs")];
  const r = spawnSync(process.execPath, [path.join(root, "scripts/build-cli.mjs")], { cwd: root, stdio: "inherit" });
  if (r.status === 0 && serveBundleIsFresh()) return [path.join(root, "dist/cli/serve.mjs")];
  console.error("custodian: the web server's bundle could not be built: serving from the TypeScript sources (tsx)");
  return ["--import", "tsx", path.join(root, "scripts/serve.ts")];
}

/** The web server's bundle, built from scripts/serve.ts and no source newer since (scripts/bundle-stamp.mjs). */
function serveBundleIsFresh(): boolean {
  return bundleIsFresh(root, "scripts/serve.ts") && existsSync(path.join(root, "dist/cli/serve.mjs"));
}

function buildIsStale(): boolean {
  const marker = path.join(root, ".next/BUILD_ID");
  if (!existsSync(marker)) return true;
  const built = statSync(marker).mtimeMs;
  const newer = (p: string): boolean => {
    if (!existsSync(p)) return false;
    const s = statSync(p);
    if (!s.isDirectory()) return s.mtimeMs > built;
    return readdirSync(p).some((f) => newer(path.join(p, f)));
  };
  return ["app", "components", "lib", "instrumentation.ts", "proxy.ts", "next.config.ts", "package.json"].some((p) => newer(path.join(root, p)));
}
