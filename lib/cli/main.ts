import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { configPathFrom, loadConfig } from "../config/load";
import { env } from "../env";
import { userErrorOf } from "../errors/map";
import { demoCommand } from "./commands/demo";
import { discoverCommand } from "./commands/discover";
import { cleanupCommand } from "./commands/cleanup";
import { purgeCommand } from "./commands/purge";
import { preventCommand } from "./commands/prevent";
import { restoreCommand } from "./commands/restore";
import { scanCommand } from "./commands/scan";
import { sweepCommand } from "./commands/sweep";
import { workerCommand } from "./commands/worker";
import { verifyErasureCommand } from "./commands/verify-erasure";
import { verifyEvidenceCommand } from "./commands/verify-evidence";
import { verifyAuditCommand } from "./commands/verify-audit";
import { storeCommand } from "./commands/store";
import { EXIT, makeOutput } from "./io";
import { usageError } from "../errors/user-error";

const USAGE = `usage: custodian <command> [--config FILE] [--json]

commands:
  scan [--relation NAME]...   count orphans of every relation (or the named ones) and store the scans
  sweep [--relation NAME]... [--wait]
                              ask the workers for a sweep (PostgreSQL store); --wait follows it to
                              its end and prints the counts and who counted each part
  discover                    list declared and configured relations, and suggested ones to confirm
  cleanup --relation NAME [--execute] [--batch-size N]
                              dry run of a cleanup (counts, sample, rows below); --execute runs the job
  purge [--table TARGET.TABLE] [--execute]
                              dry run of a purge of soft-deleted rows past grace; --execute purges them
  restore --table TARGET.TABLE --key K [--execute]
                              preview a soft-deleted row's restore (or why not); --execute restores it
  prevent [--relation NAME]... [--sql-dir DIR] [--execute]
                              the foreign keys that keep clean relations clean; --sql-dir writes the
                              migration, --execute applies the ready ones (exit 3: approval required)
  worker                      run sweeps, the sweep schedule and cleanups until stopped
  demo [--force]              build the demo databases (demo/data)
  verify-erasure --subject TARGET.TABLE:KEY
                              is everything about this subject gone? stores the result as evidence;
                              exit 0 complete, 1 incomplete
  verify-evidence [--public-key FILE] [--expect-head HASH]
                              walk the evidence chain (hashes, links, Ed25519 signatures); exit 1 at
                              the first broken link or when HASH (a head written down earlier) is gone
  verify-audit [--expect-head HASH]
                              walk the audit trail's chain; exit 1 when a row was removed or altered
  store grant-runtime --role NAME
                              as the owner role (CUSTODIAN_MIGRATION_DATABASE_URL, else DATABASE_URL):
                              migrate, then grant NAME the runtime role's rights (PostgreSQL store)

--config FILE   the config (default: $CUSTODIAN_CONFIG or ./custodian.config.yaml)
--json          print exactly one JSON document on stdout; progress goes to stderr
exit codes: 0 success, 1 a failed operation, 2 bad usage or bad config,
            3 cleanup --execute: the job waits for a second person's approval (its URL is printed)`;

const OPTIONS = {
  config: { type: "string" },
  json: { type: "boolean", default: false },
  relation: { type: "string", multiple: true },
  force: { type: "boolean", default: false },
  wait: { type: "boolean", default: false },
  execute: { type: "boolean", default: false },
  "batch-size": { type: "string" },
  subject: { type: "string" },
  table: { type: "string" },
  key: { type: "string" },
  "public-key": { type: "string" },
  "expect-head": { type: "string" },
  role: { type: "string" },
  "sql-dir": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

const ALLOWED: Record<string, (keyof typeof OPTIONS)[]> = {
  scan: ["config", "json", "relation"],
  sweep: ["config", "json", "relation", "wait"],
  discover: ["config", "json"],
  demo: ["json", "force"],
  cleanup: ["config", "json", "relation", "execute", "batch-size"],
  worker: ["config"],
  "verify-erasure": ["config", "json", "subject"],
  "verify-evidence": ["config", "json", "public-key", "expect-head"],
  "verify-audit": ["config", "json", "expect-head"],
  store: ["json", "role"],
  purge: ["config", "json", "table", "execute"],
  restore: ["config", "json", "table", "key", "execute"],
  prevent: ["config", "json", "relation", "execute", "sql-dir"],
};

export async function main(argv: string[]): Promise<number> {
  const wantsJson = argv.includes("--json");
  const out = makeOutput(wantsJson);
  try {
    env(); // a malformed variable stops every command at once, named (exit 2)
    const { values, positionals } = parseCli(argv);
    const command = positionals[0];
    if (values.help || !command) {
      process.stderr.write(`${USAGE}\n`);
      if (values.help) {
        if (out.json) out.result({ usage: USAGE }, () => "");
        return EXIT.ok;
      }
      throw usageError("no command given");
    }
    const allowed = ALLOWED[command];
    if (!allowed) throw usageError(`unknown command "${command}"; expected one of ${Object.keys(ALLOWED).join(", ")}`);
    if (positionals.length > (command === "store" ? 2 : 1)) throw usageError(`unexpected argument "${positionals[command === "store" ? 2 : 1]}"`);
    for (const key of Object.keys(values) as (keyof typeof OPTIONS)[]) {
      const given = argv.some((a) => a === `--${key}` || a.startsWith(`--${key}=`));
      if (!allowed.includes(key) && key !== "help" && given) {
        throw usageError(`--${key} is not an option of ${command}`);
      }
    }
    if (command === "demo") return await demoCommand(out, values.force);
    if (command === "store") return await storeCommand(out, positionals[1], values.role);
    if (command === "verify-evidence") {
      return await verifyEvidenceCommand(out, {
        config: optionalConfig(values.config),
        publicKeyFile: values["public-key"],
        expectHead: values["expect-head"],
      });
    }
    if (command === "verify-audit") return await verifyAuditCommand(out, { config: optionalConfig(values.config), expectHead: values["expect-head"] });
    const config = loadConfig(configPathFrom(values.config));
    if (command === "scan") return await scanCommand(config, out, values.relation ?? []);
    if (command === "sweep") return await sweepCommand(config, out, { only: values.relation ?? [], wait: values.wait });
    if (command === "cleanup") {
      const relation = values.relation ?? [];
      if (relation.length !== 1) throw usageError("cleanup needs exactly one --relation NAME");
      const raw = values["batch-size"];
      const batchSize = raw === undefined ? undefined : Number(raw);
      if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
        throw usageError("--batch-size must be a whole number from 1 to 100000");
      }
      return await cleanupCommand(config, out, { relation: relation[0], execute: values.execute, batchSize });
    }
    if (command === "prevent")
      return await preventCommand(config, out, { relations: values.relation ?? [], execute: values.execute, sqlDir: values["sql-dir"] });
    if (command === "worker") return await workerCommand(config, out);
    if (command === "verify-erasure") return await verifyErasureCommand(config, out, values.subject);
    if (command === "purge") return await purgeCommand(config, out, { table: values.table, execute: values.execute });
    if (command === "restore") {
      if (!values.table || !values.key) throw usageError("restore needs --table TARGET.TABLE and --key K");
      return await restoreCommand(config, out, { table: values.table, key: values.key, execute: values.execute });
    }
    return await discoverCommand(config, out);
  } catch (err) {
    return fail(out, err);
  }
}

/** The verify commands need no config; one given (or present where it is looked for) is read for its webhook. */
function optionalConfig(flag: string | undefined) {
  if (flag !== undefined || env().CUSTODIAN_CONFIG) return loadConfig(configPathFrom(flag));
  const file = configPathFrom(undefined, {});
  return existsSync(file) ? loadConfig(file) : null;
}

function parseCli(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError((err as Error).message.split("\n")[0].replace(/\. To specify.*$/, ""));
  }
}

/**
 * One line on stderr; under --json also a JSON document on stdout. The exit code comes from
 * the error's kind (lib/errors): the person's usage (flags, names, config) exits 2, anything
 * else 1. The operator's terminal gets the message of any error; CUSTODIAN_DEBUG adds the stack.
 */
function fail(out: ReturnType<typeof makeOutput>, err: unknown): number {
  const shown = userErrorOf(err);
  const reason = shown?.message ?? (err as Error)?.message ?? String(err);
  if (!shown && process.env.CUSTODIAN_DEBUG) console.error(err); // not env(): the failure may be the environment itself
  process.stderr.write(`custodian: ${reason}\n`);
  if (out.json) process.stdout.write(`${JSON.stringify({ error: reason, ...(shown && { kind: shown.kind }) })}\n`);
  return shown?.kind === "usage" ? EXIT.usage : EXIT.failed;
}
