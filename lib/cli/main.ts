import { failuresLogged } from "../errors/logged";
import { userErrorOf } from "../errors/map";
import { usageError } from "../errors/user-error";
import { EXIT, makeOutput, type Output } from "./io";
import { parseCli, type Option } from "./options";
import { COMMANDS, commandUsage, USAGE, VERSION } from "./usage";

/**
 * The CLI's entry: parses the arguments, answers --help and --version at once, and only
 * then loads the one command asked for (dynamic imports: drivers, the store and the
 * config parser cost seconds to load, and most commands need few of them).
 */

/** Options each command takes besides --config, --json and --help (which every command takes). */
const ALLOWED: Record<keyof typeof COMMANDS, Option[]> = {
  scan: ["relation"],
  sweep: ["relation", "wait"],
  prevent: ["relation", "execute", "sql-dir", "as"],
  discover: [],
  demo: ["force"],
  cleanup: ["relation", "execute", "batch-size", "as"],
  worker: [],
  "verify-erasure": ["subject"],
  "verify-evidence": ["public-key", "expect-head"],
  "verify-audit": ["expect-head"],
  store: ["role"],
  purge: ["table", "execute", "as"],
  restore: ["table", "key", "execute", "as"],
  jobs: [],
  job: ["as", "rows", "reason"],
  allow: ["relation", "key", "reason", "until", "as"],
  config: [],
  erasure: ["subject", "key", "received", "as"],
  evidence: ["from", "to", "request", "format", "out", "as"],
};
const EVERY_COMMAND: Option[] = ["config", "json", "help"];
/** Commands that take a sub-command or an id after their name. */
const POSITIONALS: Partial<Record<string, number>> = { store: 1, job: 2, config: 1, erasure: 2, evidence: 1 };

export async function main(argv: string[]): Promise<number> {
  const wantsJson = argv.includes("--json");
  const out = makeOutput(wantsJson);
  try {
    const { values, positionals } = parseCli(argv);
    const command = positionals[0];
    if (values.version) {
      out.result({ version: VERSION }, () => `custodian ${VERSION}`);
      return EXIT.ok;
    }
    const known = command !== undefined && Object.hasOwn(COMMANDS, command);
    if (values.help || !command) {
      const text = known ? commandUsage(command) : USAGE;
      process.stderr.write(`${text}\n`);
      if (values.help) {
        if (out.json) out.result({ usage: text }, () => "");
        return EXIT.ok;
      }
      throw usageError("no command given");
    }
    if (!known) throw usageError(`unknown command "${command}"; expected one of ${Object.keys(COMMANDS).join(", ")}`);
    const extra = positionals[1 + (POSITIONALS[command] ?? 0)];
    if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`);
    const allowed = [...EVERY_COMMAND, ...ALLOWED[command]];
    for (const key of Object.keys(values) as Option[]) {
      const given = argv.some((a) => a === `--${key}` || a.startsWith(`--${key}=`));
      if (given && !allowed.includes(key)) throw usageError(`--${key} is not an option of ${command} (see custodian ${command} --help)`);
    }
    const { env } = await import("../env");
    env(); // a malformed variable stops every command at once, named (exit 2)
    const { runCommand } = await import("./run");
    return await runCommand(command, positionals.slice(1), values, out);
  } catch (err) {
    return fail(out, err);
  } finally {
    // a failure logged along the way (lib/errors/logged.ts) is written before the process exits
    await failuresLogged();
  }
}

/**
 * One line on stderr; under --json also a JSON document on stdout. The exit code comes from
 * the error's kind (lib/errors): the person's usage (flags, names, config) exits 2, anything
 * else 1. The operator's terminal gets the message of any error; CUSTODIAN_DEBUG adds the stack.
 */
function fail(out: Output, err: unknown): number {
  const shown = userErrorOf(err);
  const reason = shown?.message ?? (err as Error)?.message ?? String(err);
  if (!shown && process.env.CUSTODIAN_DEBUG) console.error(err); // not env(): the failure may be the environment itself
  process.stderr.write(`custodian: ${reason}\n`);
  if (out.json) process.stdout.write(`${JSON.stringify({ error: reason, ...(shown && { kind: shown.kind }) })}\n`);
  return shown?.kind === "usage" ? EXIT.usage : EXIT.failed;
}
