#!/usr/bin/env node
/**
 * The npm registry these machines reach carries only Linux builds of packages that ship
 * one binary per platform (@next/swc-*, @tailwindcss/oxide-*, …). npm then writes a lock
 * without the other platforms' entries, and `npm ci` rejects its own lock ("Missing: …
 * from lock file"). This adds those entries back, with the os/cpu their names state, so
 * `npm ci` validates the lock and skips them on Linux as it always does.
 *
 *   npm run lock:repair     (after any change to dependencies)
 */
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

const OS = ["darwin", "win32", "linux", "freebsd", "android", "openbsd", "sunos", "aix", "netbsd"];
const CPU = {
  arm64: "arm64",
  x64: "x64",
  ia32: "ia32",
  arm: "arm",
  gnueabihf: "arm",
  wasm32: "wasm32",
  riscv64: "riscv64",
  ppc64: "ppc64",
  s390x: "s390x",
  loong64: "loong64",
};

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  if (!cpu) return null;
  const entry = { cpu: [cpu] };
  if (os) entry.os = [os];
  if (parts.includes("musl")) entry.libc = ["musl"];
  else if (parts.includes("gnu") || parts.includes("gnueabihf")) entry.libc = ["glibc"];
  return entry;
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[base] || packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) {
      console.error(`lock:repair: ${dep} (optional dependency of ${path || "the project"}) is missing and names no platform: left alone`);
      continue;
    }
    packages[hoisted] = { version: range.replace(/^[\^~=]/, ""), ...platform, optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock:repair: ${added} platform entr${added === 1 ? "y" : "ies"} added`);
