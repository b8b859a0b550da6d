/**
 * The server the browser tests drive: the committed demo config copied into a private
 * folder with freshly built demo databases and an empty embedded store, then the same
 * start script a person runs.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { buildDemo, DEMO_CONFIG } from "../lib/demo/build";

const root = path.resolve(import.meta.dirname, "..");
const work = path.join(root, "e2e/artifacts/server");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const config = path.join(work, "custodian.config.yaml");
cpSync(DEMO_CONFIG, config);
await buildDemo({ dir: path.join(work, "data") });

const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/start.ts"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    CUSTODIAN_CONFIG: config,
    CUSTODIAN_DATA_DIR: path.join(work, "state"),
    CUSTODIAN_DEMO: "1",
    // every test signs in from 127.0.0.1; the limit itself is tested in lib/auth
    CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE: "100",
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
