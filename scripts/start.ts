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
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildDemo, DEMO_CONFIG } from "../lib/demo/build";
import { listenHostname } from "../lib/server/mode";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { port: { type: "string", default: process.env.PORT ?? "3000" }, hostname: { type: "string" } } });
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
// Where people reach this server: sign-in accepts requests from this origin only.
env.CUSTODIAN_URL ??= `http://localhost:${values.port}`;
const nextBin = path.join(root, "node_modules/next/dist/bin/next");

if (!env.CUSTODIAN_CONFIG && !existsSync(path.join(root, "custodian.config.yaml"))) {
  env.CUSTODIAN_CONFIG = DEMO_CONFIG;
  env.CUSTODIAN_DEMO = "1";
  const { built } = await buildDemo({ log: (l) => console.error(`custodian: ${l}`) });
  console.error(`custodian: demo mode (${path.relative(root, DEMO_CONFIG)})${built.length ? `, built ${built.join(", ")}` : ""}`);
}

if (buildIsStale()) {
  console.error("custodian: building the web app (once, ~1 min)…");
  const r = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const hostname = listenHostname(env, values.hostname);
console.error(`custodian: serving http://${hostname ?? "localhost"}:${values.port}`);
// Same process group as this script: Ctrl-C, or a test runner stopping the group, stops
// the server (scripts/serve.ts: Next.js behind a server that stamps each client's address).
const serve = ["--import", "tsx", path.join(root, "scripts/serve.ts"), "--port", values.port, ...(hostname ? ["--hostname", hostname] : [])];
const server = spawn(process.execPath, serve, { cwd: root, env: { ...env, NODE_ENV: "production" }, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

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
