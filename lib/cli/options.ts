import { parseArgs } from "node:util";
import { usageError } from "../errors/user-error";

/** Every option of every command; main.ts checks which ones the command takes. */
export const OPTIONS = {
  config: { type: "string" },
  json: { type: "boolean", default: false },
  relation: { type: "string", multiple: true },
  force: { type: "boolean", default: false },
  wait: { type: "boolean", default: false },
  "sql-dir": { type: "string" },
  execute: { type: "boolean", default: false },
  "batch-size": { type: "string" },
  subject: { type: "string" },
  table: { type: "string" },
  key: { type: "string" },
  "public-key": { type: "string" },
  "expect-head": { type: "string" },
  role: { type: "string" },
  as: { type: "string" },
  rows: { type: "string" },
  reason: { type: "string" },
  until: { type: "string" },
  received: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  format: { type: "string" },
  out: { type: "string" },
  request: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", default: false },
} as const;

export type Option = keyof typeof OPTIONS;
export type CliValues = ReturnType<typeof parseCli>["values"];

export function parseCli(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError((err as Error).message.split("\n")[0].replace(/\. To specify.*$/, ""));
  }
}
