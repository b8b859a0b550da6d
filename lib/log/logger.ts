import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { z } from "zod";

export type { Logger } from "pino";

/**
 * The server's and the workers' log: one JSON object per line on stderr (for journald, a
 * log shipper, `jq`), or the same records pretty-printed when stderr is a terminal or
 * CUSTODIAN_LOG_FORMAT=pretty. pino runs in-process, never as a transport: its worker
 * threads cannot be loaded from inside Next's server bundle. Child loggers carry the
 * context (requestId, jobId, worker) so every line of one request or job can be found.
 */
const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const levelSchema = z.enum(LEVELS);
const formatSchema = z.enum(["json", "pretty"]);

export interface LogSettings {
  level: z.infer<typeof levelSchema>;
  format: z.infer<typeof formatSchema>;
  /** What was wrong with the environment, said once the logger exists (a bad value never stops the server). */
  problems: string[];
}

/** CUSTODIAN_LOG_LEVEL (default info) and CUSTODIAN_LOG_FORMAT (json | pretty; default pretty on a terminal). */
export function logSettings(env: Record<string, string | undefined> = process.env, isTty = !!process.stderr.isTTY): LogSettings {
  const problems: string[] = [];
  const read = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const parsed = schema.safeParse(raw.toLowerCase());
    if (parsed.success) return parsed.data;
    problems.push(
      `${name}=${JSON.stringify(raw).slice(0, 40)} is not one of ${(schema as unknown as { options: string[] }).options.join(", ")}; using ${fallback}`,
    );
    return fallback;
  };
  const autoFormat = isTty ? "pretty" : "json";
  return { level: read("CUSTODIAN_LOG_LEVEL", levelSchema, "info"), format: read("CUSTODIAN_LOG_FORMAT", formatSchema, autoFormat), problems };
}

/** A logger writing to `destination` (default: stderr, synchronously, so nothing is lost at exit). */
export function createLogger(settings: LogSettings, destination?: DestinationStream | NodeJS.WritableStream): Logger {
  const stream =
    settings.format === "pretty"
      ? pretty({
          sync: true,
          destination: destination ?? 2,
          colorize: !destination && !!process.stderr.isTTY,
          ignore: "pid,hostname",
          translateTime: "SYS:HH:MM:ss.l",
        })
      : (destination ?? pino.destination({ fd: 2, sync: true }));
  const logger = pino({ level: settings.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, stream as DestinationStream);
  for (const problem of settings.problems) logger.warn(problem);
  return logger;
}

// One per process; on globalThis so Next's separately bundled server chunks share it.
const holder = globalThis as unknown as { __custodianLogger?: Logger };

/** The process's logger. */
export function log(): Logger {
  holder.__custodianLogger ??= createLogger(logSettings());
  return holder.__custodianLogger;
}

/** Adapts a logger to the `log: (line) => void` option of the capabilities (sweeps, cleanups, purges): each line at info. */
export function lineSink(logger: Logger): (line: string) => void {
  return (line) => logger.info(line);
}

/** An error as log fields: message and stack, never the object's other properties (which may hold a URL with a password). */
export function errorFields(err: unknown): { err: { message: string; stack?: string } } {
  const e = err instanceof Error ? err : new Error(String(err));
  return { err: { message: e.message, stack: e.stack } };
}
