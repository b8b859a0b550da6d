import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, errorFields, lineSink, logSettings } from "./logger";

/** A destination that keeps what was written. */
function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    text: () => chunks.join(""),
    records: () =>
      chunks
        .join("")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe("logSettings", () => {
  it("is JSON lines unless stderr is a terminal, pretty on one; CUSTODIAN_LOG_FORMAT decides when set", () => {
    expect(logSettings({}, false)).toEqual({ level: "info", format: "json", problems: [] });
    expect(logSettings({}, true).format).toBe("pretty");
    expect(logSettings({ CUSTODIAN_LOG_FORMAT: "pretty" }, false).format).toBe("pretty");
    expect(logSettings({ CUSTODIAN_LOG_FORMAT: "JSON" }, true).format).toBe("json");
    expect(logSettings({ CUSTODIAN_LOG_LEVEL: "debug" }, false).level).toBe("debug");
  });

  it("names a bad value and what it uses instead, without stopping anything", () => {
    const s = logSettings({ CUSTODIAN_LOG_LEVEL: "verbose", CUSTODIAN_LOG_FORMAT: "xml" }, false);
    expect({ level: s.level, format: s.format }).toEqual({ level: "info", format: "json" });
    expect(s.problems).toEqual([
      'CUSTODIAN_LOG_LEVEL="verbose" is not one of fatal, error, warn, info, debug, trace, silent; using info',
      'CUSTODIAN_LOG_FORMAT="xml" is not one of json, pretty; using json',
    ]);
  });
});

describe("createLogger", () => {
  it("writes one JSON object per line, with the child's request id, job id and worker", () => {
    const out = sink();
    const logger = createLogger({ level: "info", format: "json", problems: [] }, out.stream);
    logger.child({ requestId: "req-1" }).info("signed in");
    const job = logger.child({ worker: "w1" }).child({ job: "cleanup", jobId: "j-9" });
    lineSink(job)("batch 3 applied");
    job.error(errorFields(new Error("target unreachable")), "cleanup failed");
    const [a, b, c] = out.records();
    expect(a).toMatchObject({ level: 30, msg: "signed in", requestId: "req-1", pid: process.pid });
    expect(new Date(a.time).toISOString()).toBe(a.time);
    expect(b).toMatchObject({ level: 30, msg: "batch 3 applied", worker: "w1", job: "cleanup", jobId: "j-9" });
    expect(c).toMatchObject({ level: 50, msg: "cleanup failed", jobId: "j-9", err: { message: "target unreachable" } });
    expect(out.records()).toHaveLength(3);
  });

  it("leaves out what is below its level", () => {
    const out = sink();
    const logger = createLogger({ level: "warn", format: "json", problems: [] }, out.stream);
    logger.info("routine");
    logger.debug("detail");
    logger.warn("attention");
    expect(out.records().map((r) => r.msg)).toEqual(["attention"]);
  });

  it("logs the environment's problems as a warning once it exists", () => {
    const out = sink();
    createLogger(logSettings({ CUSTODIAN_LOG_LEVEL: "loud" }, false), out.stream);
    expect(out.records()).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining('CUSTODIAN_LOG_LEVEL="loud"') })]);
  });

  it("pretty-prints for a terminal: readable lines, the context kept", () => {
    const out = sink();
    const logger = createLogger({ level: "info", format: "pretty", problems: [] }, out.stream);
    logger.child({ jobId: "j-42" }).info("released for the next worker");
    const text = out.text();
    expect(text).toContain("INFO");
    expect(text).toContain("released for the next worker");
    expect(text).toContain('jobId: "j-42"');
    expect(() => JSON.parse(text)).toThrow();
  });
});
