/**
 * The server the browser tests drive: the committed demo config copied into a private
 * folder with freshly built demo databases and an empty embedded store, then the same
 * start script a person runs.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { buildDemo, DEMO_CONFIG } from "../lib/demo/build";
import { E2E_METRICS_TOKEN } from "./first-sweep";

const root = path.resolve(import.meta.dirname, "..");
const work = path.join(root, "e2e/artifacts/server");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const config = path.join(work, "custodian.config.yaml");
// The demo's threshold is 10,000 and its largest cleanup 6 rows: two relations get a threshold
// of 10 here so the four-eyes flow (e2e/cleanup.spec.ts) has jobs to reject and approve: the
// shop's orders of missing users (5, with 8 payments below them: 13 counted) and the 14
// orphan feedback rows (archived, so the test puts them back; no declared FK refuses them).
const doc = parse(readFileSync(DEMO_CONFIG, "utf8")) as { relations: Record<string, unknown>[] };
doc.relations.push({
  name: "shop.orders.user_id",
  child: { target: "shop", schema: "public", table: "orders", columns: ["user_id"] },
  parent: { target: "shop", schema: "public", table: "users", columns: ["id"] },
  cleanup: { action: "delete", graceDays: 0, approvalThreshold: 10 },
});
const feedback = doc.relations.find((r) => r.name === "feedback_profile")!;
feedback.cleanup = { action: "archive_then_delete", graceDays: 0, approvalThreshold: 10 };
writeFileSync(config, stringify(doc));
await buildDemo({ dir: path.join(work, "data") });

const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    CUSTODIAN_CONFIG: config,
    CUSTODIAN_DATA_DIR: path.join(work, "state"),
    CUSTODIAN_DEMO: "1",
    // every test signs in from 127.0.0.1; the limit itself is tested in lib/auth
    CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE: "100",
    // e2e/first-sweep.ts reads /api/metrics with it to wait for the first sweep
    CUSTODIAN_METRICS_TOKEN: E2E_METRICS_TOKEN,
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
