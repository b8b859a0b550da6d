import { readFileSync } from "node:fs";
import path from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { env } from "../env";
import { ConfigError, formatPath } from "./errors";
import { configSchema, type RawConfig } from "./schema";
import { CronExpressionParser } from "cron-parser";
import { resolveTargetUrl, resolveWebhookUrl } from "./urls";
import type { Config, TargetSpec } from "./types";

export const DEFAULT_CONFIG_FILE = "custodian.config.yaml";

/** Which config file to use: --config, then CUSTODIAN_CONFIG, then ./custodian.config.yaml. */
export function configPathFrom(flag: string | undefined, vars: Record<string, string | undefined> = env()): string {
  return path.resolve(/* turbopackIgnore: true */ flag ?? (vars.CUSTODIAN_CONFIG || DEFAULT_CONFIG_FILE));
}

// `env` here is the raw process environment on purpose: the config names its own variables (url: "${SHOP_DATABASE_URL}").
export function loadConfig(file: string, env: Record<string, string | undefined> = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, "", code === "ENOENT" ? "file not found" : `cannot read the file (${code})`);
  }
  return parseConfigText(text, file, env);
}

export function parseConfigText(text: string, file: string, env: Record<string, string | undefined> = process.env): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new ConfigError(file, "", `invalid YAML: ${first.message.split("\n")[0]}`, first.linePos?.[0]?.line);
  }
  return validateConfig(doc.toJS() ?? {}, file, env, { doc, lineCounter });
}

/** Validates an already-parsed config object (tests build configs this way). */
export function validateConfig(value: unknown, file: string, env: Record<string, string | undefined> = process.env, source?: YamlSource): Config {
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    // A misspelt key also leaves its correct twin missing: name the misspelling first.
    const issue = parsed.error.issues.find((i) => i.code === "unrecognized_keys") ?? parsed.error.issues[0];
    throw new ConfigError(file, formatPath(issue.path), describeIssue(issue), source && lineOf(source, issue.path));
  }
  const raw = parsed.data;
  checkReferences(raw, file, source);
  const baseDir = path.dirname(path.resolve(file));
  const targets = Object.fromEntries(
    Object.entries(raw.targets).map(([name, t]) => {
      let keyPath = ["targets", name, "url"];
      try {
        const url = resolveTargetUrl(t.url, t.dialect, env, baseDir);
        keyPath = ["targets", name, "readUrl"];
        const readUrl = t.readUrl === undefined ? undefined : resolveTargetUrl(t.readUrl, t.dialect, env, baseDir);
        const throttle = t.maxReplicaLagMs || t.maxThreadsRunning ? { maxReplicaLagMs: t.maxReplicaLagMs, maxThreadsRunning: t.maxThreadsRunning } : undefined;
        const spec: TargetSpec = {
          name,
          dialect: t.dialect,
          url,
          maxConnections: t.maxConnections,
          ...(readUrl ? { readUrl } : {}),
          ...(throttle ? { throttle } : {}),
          ...(t.scanStatementTimeoutMs ? { scanStatementTimeoutMs: t.scanStatementTimeoutMs } : {}),
        };
        return [name, spec];
      } catch (err) {
        throw new ConfigError(file, formatPath(keyPath), (err as Error).message, source && lineOf(source, keyPath));
      }
    }),
  );
  checkSchedule(raw.schedule.sweep, file, source);
  if (raw.schedule.purge) checkSchedule(raw.schedule.purge, file, source, "purge");
  let webhook: string | undefined;
  if (raw.alerts.webhook) {
    try {
      webhook = resolveWebhookUrl(raw.alerts.webhook, env);
    } catch (err) {
      throw new ConfigError(file, "alerts.webhook", (err as Error).message, source && lineOf(source, ["alerts", "webhook"]));
    }
  }
  return {
    file: path.resolve(file),
    targets,
    relations: raw.relations,
    softDelete: raw.softDelete,
    subjects: raw.subjects,
    schedule: raw.schedule,
    alerts: { orphans: raw.alerts.orphans, growthPerDay: raw.alerts.growthPerDay, webhook },
    cleanup: raw.cleanup,
    prevention: raw.prevention,
    sweep: raw.sweep,
  };
}

function checkSchedule(cron: string, file: string, source?: YamlSource, key: "sweep" | "purge" = "sweep") {
  try {
    CronExpressionParser.parse(cron, { tz: "UTC" });
  } catch (err) {
    throw new ConfigError(
      file,
      `schedule.${key}`,
      `expected a cron expression such as "0 * * * *" (${(err as Error).message})`,
      source && lineOf(source, ["schedule", key]),
    );
  }
}

function describeIssue(issue: { code: string; message: string; keys?: string[]; path: PropertyKey[] }): string {
  if (issue.code === "unrecognized_keys" && issue.keys) {
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message);
  if (missing) return `missing (expected ${missing[1] === "array" ? "a list" : `a ${missing[1]}`})`;
  return issue.message.replace(/^Invalid input: /, "");
}

function checkReferences(raw: RawConfig, file: string, source?: YamlSource) {
  const fail = (p: PropertyKey[], msg: string) => {
    throw new ConfigError(file, formatPath(p), msg, source && lineOf(source, p));
  };
  const known = Object.keys(raw.targets);
  const checkTarget = (p: PropertyKey[], name: string) => {
    if (!raw.targets[name]) fail(p, `unknown target "${name}"; expected one of ${known.join(", ") || "(no targets defined)"}`);
  };
  const seen = new Map<string, number>();
  raw.relations.forEach((rel, i) => {
    if (seen.has(rel.name)) fail(["relations", i, "name"], `duplicate relation name "${rel.name}" (also relations[${seen.get(rel.name)}])`);
    seen.set(rel.name, i);
    checkTarget(["relations", i, "child", "target"], rel.child.target);
    checkTarget(["relations", i, "parent", "target"], rel.parent.target);
    rel.allow?.forEach((entry, j) => {
      if (entry.key.length !== rel.child.columns.length) {
        fail(["relations", i, "allow", j, "key"], `expected ${rel.child.columns.length} value(s), one per child column`);
      }
    });
  });
  raw.softDelete.forEach((s, i) => {
    checkTarget(["softDelete", i, "target"], s.target);
    for (const column of Object.keys(s.redactWith ?? {})) {
      if (!(s.pii ?? []).includes(column))
        fail(["softDelete", i, "redactWith", column], `"${column}" is not one of the pii columns (${(s.pii ?? []).join(", ") || "none"})`);
    }
    if (s.purge === "redact" && !s.pii?.length) fail(["softDelete", i, "purge"], "redact needs the pii columns to redact (pii: [..])");
  });
  raw.subjects.forEach((s, i) => checkTarget(["subjects", i, "target"], s.target));
}

interface YamlSource {
  doc: Document;
  lineCounter: LineCounter;
}

/** The line of the deepest node of keyPath that exists, so an unknown key still points near its parent. */
function lineOf({ doc, lineCounter }: YamlSource, keyPath: ReadonlyArray<PropertyKey>): number | undefined {
  let node: unknown = doc.contents;
  let found: unknown = node;
  for (const part of keyPath) {
    if (isMap(node)) node = node.get(part as string, true);
    else if (isSeq(node)) node = node.get(part as number, true);
    else break;
    if (node == null) break;
    found = node;
  }
  const range = (found as { range?: [number, number, number] } | undefined)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}
