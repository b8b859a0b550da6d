#!/usr/bin/env node
// The CLI is TypeScript (like Prisma's generated client); tsx compiles it on the fly.
import { register } from "tsx/esm/api";

// Under --json stdout carries exactly one document: anything a library logs goes to stderr.
console.log = console.error;
console.info = console.error;
register();
const { main } = await import("../lib/cli/main.ts");
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Drivers' idle timers must not hold the exit; stdout is flushed first.
process.stdout.write("", () => process.exit(code));
