#!/usr/bin/env node
// `npm test`: the quality gate, then every test. First typecheck, formatting, lint and the import layers
// (as pg-boss's `test` script does): if one fails, no test runs. Then unit and integration
// tests (vitest: PGlite, SQLite, and the machine's PostgreSQL and MariaDB), then browser
// tests (Playwright in Debian's Chromium). Last, `npm run test:node24` runs the unit tests and the
// runtime-sensitive integration tests again on Node 24 LTS (scripts/test-node24.mjs says which).
// A missing service or browser is announced loudly and skipped; under CI=true it fails.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", env: process.env }).status ?? 1;

const results = [];
const gate = () => {
  for (const script of ["typecheck", "format:check", "lint", "check:imports"]) {
    results.push([`${script} (npm run ${script})`, run("npm", ["run", "--silent", script])]);
    if (results.at(-1)[1] !== 0) return false;
  }
  return true;
};
if (gate()) {
  results.push(["unit + integration (vitest)", run("npx", ["vitest", "run"])]);
  if (existsSync(chromium)) {
    results.push(["browser (playwright)", run("npx", ["playwright", "test"])]);
  } else {
    const msg = `Chromium not found at ${chromium}: browser tests SKIPPED (apt-get install -y chromium)`;
    console.error(`\n${"!".repeat(78)}\n!! ${msg}\n${"!".repeat(78)}\n`);
    results.push(["browser (playwright)", process.env.CI === "true" ? 1 : 0]);
  }
  results.push(["node 24 (npm run test:node24: unit + runtime-sensitive integration; not all of it)", run("npm", ["run", "--silent", "test:node24"])]);
} else {
  console.error(`\n${results.at(-1)[0]} failed: the tests did not run.`);
}
const failed = results.filter(([, code]) => code !== 0);
console.log("");
for (const [name, code] of results) console.log(`${code === 0 ? "ok  " : "FAIL"} ${name}`);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
