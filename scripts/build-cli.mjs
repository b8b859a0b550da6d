// Bundles the CLI (lib/cli/main.ts and what it imports from lib/ and generated/), the web
// server (scripts/serve.ts, as dist/cli/serve.mjs) and `npm start` (scripts/start.ts, as
// dist/cli/start.mjs, run by scripts/start.mjs) into plain JavaScript in dist/cli, so
// `custodian` and `npm start` start without compiling TypeScript at run time.
// Packages stay in node_modules (external), except a few spread over many files that most
// commands load (BUNDLED: loading kysely's 255 modules cost ~0.3 s of CPU per command, bundled
// ~0.05 s); each command is its own chunk (code splitting
// of main.ts's dynamic imports), so --help loads a few kilobytes. dist/cli sits two levels
// below the root like lib/<dir>/, so import.meta.dirname-relative paths (the migrations,
// the demo) resolve the same from the bundle as from the source.
// `npm run build:cli`; run by postinstall. bin/custodian.mjs uses the bundle while it is
// newer than every source file it was built from (dist/cli/inputs.json), else the sources
// via tsx. `--if-stale` builds only when the bundle is missing or older than a source.
import { build } from "esbuild";
import { Buffer } from "node:buffer";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { bundleIsFresh } from "./bundle-stamp.mjs";

const root = path.resolve(import.meta.dirname, "..");
/**
 * Packages compiled into the bundle: no native parts and no files read beside them.
 * kysely-pglite-dialect goes with kysely (one copy of kysely's classes in the process).
 * The CommonJS ones are what a scan on a PostgreSQL store loads (pg and its parts, Prisma's pg
 * adapter, which must share that pg, and the config's yaml, cron-parser and luxon): imported
 * from node_modules, each of their files also went through Node's CommonJS-from-ESM
 * translation (its exports detected by parsing it); bundled, a small scan took ~90 ms less CPU.
 * Prisma's client runtime (280 kB of CommonJS, loaded by every command that opens the store) is
 * one more: bundled, a small scan on the embedded store took ~0.1 s less CPU.
 * Their require() of node built-ins is the banner's (below).
 */
const BUNDLED = new Set([
  "kysely",
  "kysely-pglite-dialect",
  "zod",
  "pg",
  "pg-pool",
  "pg-protocol",
  "pg-types",
  "pg-connection-string",
  "pgpass",
  "pg-int8",
  "postgres-array",
  "postgres-bytea",
  "postgres-date",
  "postgres-interval",
  "split2",
  "xtend",
  "@prisma/adapter-pg",
  "@prisma/driver-adapter-utils",
  "@prisma/debug",
  "@prisma/client",
  "@prisma/client-runtime-utils",
  "yaml",
  "cron-parser",
  "luxon",
]);
/** Every other package (and node: built-ins) is imported from node_modules at run time. */
const externalUnlessBundled = {
  name: "external-unless-bundled",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const parts = args.path.split("/");
      const pkg = args.path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
      return BUNDLED.has(pkg) ? undefined : { path: args.path, external: true };
    });
  },
};
const outdir = path.join(root, "dist/cli");

if (process.argv.includes("--if-stale") && bundleIsFresh(root)) process.exit(0);

// Built beside, then swapped in: a CLI started meanwhile (tests run in parallel) never sees half a bundle.
const builtAt = Date.now();
const staging = `${outdir}.${process.pid}.new`;
/**
 * Prisma's query compiler is WebAssembly shipped as a JavaScript module holding it in base64:
 * 4.5 MB of string literal that every command using the store parsed (~50 ms). Its bundled
 * stand-in reads the .wasm it encodes, written beside the bundle, and hands the generated client
 * the same base64 to decode.
 */
const prismaWasmFromFile = {
  name: "prisma-wasm-from-file",
  setup(b) {
    b.onResolve({ filter: /^@prisma\/client\/runtime\/query_compiler_[a-z]+_bg\.[a-z]+\.wasm-base64\.mjs$/ }, (args) => ({
      path: args.path,
      namespace: "prisma-wasm",
    }));
    b.onLoad({ filter: /.*/, namespace: "prisma-wasm" }, async (args) => {
      const { wasm } = await import(pathToFileURL(path.join(root, "node_modules", args.path)).href);
      const file = path.basename(args.path).replace(/\.wasm-base64\.mjs$/, ".wasm");
      mkdirSync(staging, { recursive: true });
      writeFileSync(path.join(staging, file), Buffer.from(wasm, "base64"));
      return {
        contents: `import { readFileSync } from "node:fs";\nexport const wasm = readFileSync(new URL(${JSON.stringify(`./${file}`)}, import.meta.url)).toString("base64");\n`,
        loader: "js",
        resolveDir: root,
      };
    });
  },
};
/**
 * pg asks whether it runs in a Cloudflare Worker when it is loaded, by constructing a fetch
 * Response: on Node 20, which has no navigator to ask instead, that loads Node's fetch
 * (undici), ~30-50 ms of every command that loads pg. The bundle runs on Node only: the
 * question is answered no, unasked. Should pg word it otherwise, the build warns and leaves it.
 */
const PG_CLOUDFLARE_PROBE = "function isCloudflareRuntime() {";
const pgOnNode = {
  name: "pg-on-node",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes(PG_CLOUDFLARE_PROBE)) return { warnings: [{ text: `pg-on-node: no "${PG_CLOUDFLARE_PROBE}" in ${args.path}; left as is` }] };
      return { contents: source.replace(PG_CLOUDFLARE_PROBE, `${PG_CLOUDFLARE_PROBE}\n  return false;`), loader: "js" };
    });
  },
};
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: "lib/cli/main.ts", serve: "scripts/serve.ts", start: "scripts/start.ts" },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  plugins: [prismaWasmFromFile, pgOnNode, externalUnlessBundled],
  outExtension: { ".js": ".mjs" },
  // chunks beside main.mjs: every file's import.meta.dirname is then dist/cli
  chunkNames: "[name]-[hash]",
  metafile: true,
  // A bundled CommonJS package's require() (of a node built-in, or of an optional package
  // left external such as pg-native) needs a require function in the ESM output.
  banner: { js: `import { createRequire as __custodianCreateRequire } from "node:module";\nconst require = __custodianCreateRequire(import.meta.url);` },
  logLevel: "warning",
});
// An input read with import attributes is named with them ("package.json with { type: 'json' }").
const inputs = Object.keys(result.metafile.inputs)
  .map((f) => f.replace(/ with \{.*\}$/, ""))
  // a plugin's module (prisma-wasm:…) is made from a package, not a source file
  .filter((f) => !f.startsWith("node_modules/") && !/^[a-z-]+:/.test(f));
writeFileSync(path.join(staging, "inputs.json"), `${JSON.stringify({ builtAt, inputs })}\n`);
const old = `${outdir}.${process.pid}.old`;
if (existsSync(outdir)) renameSync(outdir, old);
renameSync(staging, outdir);
rmSync(old, { recursive: true, force: true });
console.error(`custodian CLI and web server built: dist/cli (${inputs.length} source files)`);
