import { version } from "../../package.json";

/**
 * What `custodian --help`, `custodian <command> --help` and `--version` print. Plain data
 * with no imports beyond the version: main.ts answers these before it loads any command
 * (each of which pulls in drivers, the store and the config parser), so help is instant.
 */
export const VERSION = version;

export interface CommandHelp {
  /** The command line, options in brackets. */
  synopsis: string;
  /** One or two lines: what it does. */
  summary: string;
  /** Each option this command takes besides --config, --json and --help, with what it means. */
  options: [flag: string, meaning: string][];
  examples: string[];
  /** How this command uses --config, when not the usual way. */
  config?: string;
}

const AS = ["--as EMAIL", "the Custodian user on whose behalf this runs: active, with a role that may do it; audited as that user"] as const;

export const COMMANDS: Record<string, CommandHelp> = {
  scan: {
    synopsis: "scan [--relation NAME]...",
    summary: "count orphans of every relation (or the named ones) and store the scans",
    options: [["--relation NAME", "scan only this relation (repeatable)"]],
    examples: ["custodian scan --config demo/custodian.config.yaml", "custodian scan --relation shop.orders.user_id --json"],
  },
  sweep: {
    synopsis: "sweep [--relation NAME]... [--wait]",
    summary:
      "ask the workers for a sweep (PostgreSQL store: DATABASE_URL); --wait follows it to its end\nand prints the counts and which worker counted each part (exit 1 if a relation failed)",
    options: [
      ["--relation NAME", "sweep only this relation (repeatable)"],
      ["--wait", "wait for the sweep to complete and print its counts and parts"],
    ],
    examples: ["custodian sweep --wait --json", "custodian sweep --relation shop.orders.user_id"],
  },
  prevent: {
    synopsis: "prevent [--relation NAME]... [--sql-dir DIR] [--execute [--as EMAIL]]",
    summary:
      "the foreign keys that keep clean relations clean; --sql-dir writes the migration,\n--execute asks for a constraint job of the ready ones: it waits for a second person's\napproval (exit 3 and its URL) while prevention.requireApproval is true, else it runs here",
    options: [
      ["--relation NAME", "only this relation (repeatable)"],
      ["--sql-dir DIR", "write the migration as commented .sql files, numbered in run order"],
      ["--execute", "apply the ready proposals (exit 1 if blocked or a step failed)"],
      ["--as EMAIL", "the Custodian user (ops) who asks; approve with: custodian job ID approve --as EMAIL"],
    ],
    examples: ["custodian prevent --json", "custodian prevent --relation summary_symbol --sql-dir migrations/custodian"],
  },
  discover: {
    synopsis: "discover",
    summary: "list declared and configured relations, and suggested ones to confirm",
    options: [],
    examples: ["custodian discover --config demo/custodian.config.yaml"],
  },
  cleanup: {
    synopsis: "cleanup --relation NAME [--execute --as EMAIL] [--batch-size N]",
    summary:
      "dry run of a cleanup (counts, sample, rows below); --execute runs the job\nexit 3 when the job waits for a second person's approval (its URL is printed)",
    options: [
      ["--relation NAME", "the relation to clean up (required)"],
      ["--execute", "run the job instead of the dry run"],
      [...AS],
      ["--batch-size N", "rows per batch, 1 to 100000"],
    ],
    examples: ["custodian cleanup --relation shop.orders.user_id", "custodian cleanup --relation shop.orders.user_id --execute --as ops@example.com"],
  },
  purge: {
    synopsis: "purge [--table TARGET.TABLE] [--execute --as EMAIL]",
    summary: "dry run of a purge of soft-deleted rows past grace; --execute purges them",
    options: [["--table TARGET.TABLE", "only this softDelete table"], ["--execute", "purge instead of the dry run"], [...AS]],
    examples: ["custodian purge", "custodian purge --table shop.users --execute --as ops@example.com"],
  },
  restore: {
    synopsis: "restore --table TARGET.TABLE --key K [--execute --as EMAIL]",
    summary: "preview a soft-deleted row's restore (or why not); --execute restores it",
    options: [
      ["--table TARGET.TABLE", "the softDelete table (required)"],
      ["--key K", "the row's key (required)"],
      ["--execute", "restore instead of the preview"],
      [...AS],
    ],
    examples: ["custodian restore --table shop.users --key 42", "custodian restore --table shop.users --key 42 --execute --as support@example.com"],
  },
  jobs: {
    synopsis: "jobs",
    summary: "list cleanup jobs, newest first (status, progress, who asked, who approved)",
    options: [],
    examples: ["custodian jobs", "custodian jobs --json"],
  },
  job: {
    synopsis: "job ID approve|reject|pause|resume|cancel --as EMAIL [--rows N] [--reason TEXT]",
    summary: "act on a cleanup job as the console does; approve and reject need someone other than its requester",
    options: [
      [...AS],
      ["--rows N", "approve: let the job remove up to N rows in all (default: what the requester saw)"],
      ["--reason TEXT", "reject: why (required)"],
    ],
    examples: [
      "custodian job 0b7c…-… approve --as admin@example.com",
      'custodian job 0b7c…-… reject --reason "too many rows" --as admin@example.com',
      "custodian job 0b7c…-… pause --as ops@example.com",
    ],
  },
  allow: {
    synopsis: "allow --relation NAME --key K --reason TEXT --until DATE --as EMAIL",
    summary: "allowlist an orphan: cleanups of the relation skip this key until DATE",
    options: [
      ["--relation NAME", "the relation (required)"],
      ["--key K", "the orphan row's key (required)"],
      ["--reason TEXT", "why it is kept (required)"],
      ["--until DATE", "the entry expires at the end of this day, YYYY-MM-DD (required)"],
      [...AS],
    ],
    examples: ['custodian allow --relation shop.orders.user_id --key 1017 --reason "legal hold" --until 2027-01-31 --as ops@example.com'],
  },
  erasure: {
    synopsis: "erasure add --subject NAME --key K | import --subject NAME FILE [--received DATE] --as EMAIL",
    summary:
      "file erasure requests as the console does: add one key, or import a list (one key per line,\nor the console's CSV); a key that is no value of its column's type is refused (exit 2), nothing stored",
    options: [
      ["--subject NAME", "the configured subject (subjects: in the config; required)"],
      ["--key K", "add: the subject's key (a JSON list for a composite key; required)"],
      ["FILE", "import: the key list, - for stdin; all or nothing: one bad line refuses the list, naming its line"],
      ["--received DATE", "the day the request reached you, YYYY-MM-DD (default today): its one-month deadline runs from it"],
      [...AS],
    ],
    examples: [
      "custodian erasure add --subject users --key 3047 --received 2026-11-28 --as dpo@example.com",
      "custodian erasure import --subject users keys.csv --as dpo@example.com --json",
    ],
  },
  evidence: {
    synopsis: "evidence export --from DATE --to DATE [--format csv|pdf] [--out FILE] --as EMAIL",
    summary:
      "the erasure evidence the console downloads, for the verifications of a period (UTC days)\nor of one request; to --out FILE, else stdout (a PDF only when stdout is not a terminal)",
    options: [
      ["--from DATE", "first day, YYYY-MM-DD (with --to)"],
      ["--to DATE", "last day, YYYY-MM-DD, inclusive"],
      ["--request ID", "instead of a period: one erasure request's evidence"],
      ["--format csv|pdf", "csv (default): a line per table checked; pdf: the signed report a DPO files"],
      ["--out FILE", "write the export here (required with --json)"],
      [...AS],
    ],
    examples: [
      "custodian evidence export --from 2026-11-01 --to 2026-11-30 --as dpo@example.com > evidence.csv",
      "custodian evidence export --from 2026-11-01 --to 2026-11-30 --format pdf --out evidence.pdf --as dpo@example.com",
    ],
    config: "--config is accepted and not read: the evidence is in the store",
  },
  worker: {
    synopsis: "worker",
    summary: "run sweeps, the sweep schedule and cleanups until stopped (SIGINT or SIGTERM)",
    options: [],
    examples: ["DATABASE_URL=postgres://… custodian worker"],
  },
  demo: {
    synopsis: "demo [--force]",
    summary: "build the demo databases (demo/data)",
    options: [["--force", "rebuild them even if present"]],
    examples: ["custodian demo", "custodian scan --config demo/custodian.config.yaml"],
    config: "--config is accepted and not read: the demo's config is demo/custodian.config.yaml",
  },
  "verify-erasure": {
    synopsis: "verify-erasure --subject TARGET.TABLE:KEY",
    summary: "is everything about this subject gone? stores the result as evidence;\nexit 0 complete, 1 incomplete",
    options: [["--subject TARGET.TABLE:KEY", "the subject's row (required)"]],
    examples: ["custodian verify-erasure --subject shop.users:42"],
  },
  "verify-evidence": {
    synopsis: "verify-evidence [--public-key FILE] [--expect-head HASH]",
    summary: "walk the evidence chain (hashes, links, Ed25519 signatures); exit 1 at\nthe first broken link or when HASH (a head written down earlier) is gone",
    options: [
      ["--public-key FILE", "check signatures with this PEM key (default: the store's key)"],
      ["--expect-head HASH", "a head written down earlier must still be in the chain"],
    ],
    examples: ["custodian verify-evidence", "custodian verify-evidence --public-key evidence.pub.pem --expect-head 3f…"],
    config: "--config is optional: when given (or found), its alerts.webhook gets the head",
  },
  "verify-audit": {
    synopsis: "verify-audit [--expect-head HASH]",
    summary: "walk the audit trail's chain; exit 1 when a row was removed or altered",
    options: [["--expect-head HASH", "a head written down earlier must still be in the chain"]],
    examples: ["custodian verify-audit --json"],
    config: "--config is optional: when given (or found), its alerts.webhook gets the head",
  },
  store: {
    synopsis: "store grant-runtime --role NAME",
    summary: "as the owner role (CUSTODIAN_MIGRATION_DATABASE_URL, else DATABASE_URL):\nmigrate, then grant NAME the runtime role's rights (PostgreSQL store)",
    options: [["--role NAME", "the runtime role to grant (required)"]],
    examples: ["DATABASE_URL=postgres://owner@db/custodian custodian store grant-runtime --role custodian_app"],
    config: "--config is accepted and not read: the store is named by DATABASE_URL",
  },
  config: {
    synopsis: "config schema",
    summary: "print the JSON Schema of custodian.config.yaml (for editors: see docs/configuration.md)",
    options: [],
    examples: ["custodian config schema > custodian.config.schema.json"],
    config: "--config is accepted and not read",
  },
};

const COMMON = `--config FILE   the config (default: $CUSTODIAN_CONFIG or ./custodian.config.yaml)
--json          print exactly one JSON document on stdout; progress goes to stderr
--help, -h      this text; custodian <command> --help for a command's options and examples
--version       the version`;

const EXITS = `exit codes: 0 success, 1 a failed operation, 2 bad usage, bad config or refused --as,
            3 cleanup --execute: the job waits for a second person's approval (its URL is printed)`;

/** Left column width of the command list. */
const COLUMN = 28;

export const USAGE = [
  "usage: custodian <command> [--config FILE] [--json] [options]",
  "",
  "commands:",
  ...Object.values(COMMANDS).map((c) => {
    const [first, ...rest] = c.summary.split("\n");
    const lead = c.synopsis.length < COLUMN ? [`  ${c.synopsis.padEnd(COLUMN)}${first}`] : [`  ${c.synopsis}`, `${" ".repeat(COLUMN + 2)}${first}`];
    return [...lead, ...rest.map((r) => `${" ".repeat(COLUMN + 2)}${r}`)].join("\n");
  }),
  "",
  COMMON,
  EXITS,
].join("\n");

/** `custodian <command> --help`: its synopsis, what it does, each option, examples. */
export function commandUsage(name: string): string {
  const c = COMMANDS[name];
  const width = Math.max(16, ...c.options.map(([flag]) => flag.length + 2));
  return [
    `usage: custodian ${c.synopsis} [--config FILE] [--json]`,
    "",
    c.summary,
    "",
    "options:",
    ...c.options.map(([flag, meaning]) => `  ${flag.padEnd(width)}${meaning}`),
    `  ${"--config FILE".padEnd(width)}${c.config ?? "the config (default: $CUSTODIAN_CONFIG or ./custodian.config.yaml)"}`,
    `  ${"--json".padEnd(width)}exactly one JSON document on stdout; progress goes to stderr`,
    "",
    "examples:",
    ...c.examples.map((e) => `  ${e}`),
  ].join("\n");
}
