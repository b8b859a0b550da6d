import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, type Logger } from "../log/logger";
import { awaitedLater, failuresLogged, logFailure } from "./logged";

const slot = globalThis as unknown as { __custodianLogger?: Logger };
const before = slot.__custodianLogger;
afterEach(() => {
  slot.__custodianLogger = before;
});

/** The process logger, writing JSON lines into an array. */
function capture(): () => { level: number; msg: string; component?: string; err?: { message: string } }[] {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).trim().split("\n"));
      done();
    },
  });
  slot.__custodianLogger = createLogger({ level: "info", format: "json", problems: [] }, stream);
  return () => lines.filter(Boolean).map((l) => JSON.parse(l));
}

describe("logFailure", () => {
  it("logs the failure at warn with what was being done and the error's message", async () => {
    const records = capture();
    await Promise.reject(new Error("connection terminated")).catch(logFailure("sweeps", "marking sweep 7 failed"));
    expect(records()).toMatchObject([{ level: 40, component: "sweeps", msg: "marking sweep 7 failed", err: { message: "connection terminated" } }]);
  });

  it("writes a failure handed over without waiting by the time failuresLogged settles (the CLI's exit)", async () => {
    const records = capture();
    void logFailure("targets", "closing a target")(new Error("socket closed"));
    await failuresLogged();
    expect(records()).toMatchObject([{ level: 40, component: "targets", msg: "closing a target", err: { message: "socket closed" } }]);
  });
});

describe("awaitedLater", () => {
  it("keeps the failure for whoever awaits the promise", async () => {
    const p = awaitedLater(Promise.reject(new Error("read ahead failed")));
    await new Promise((r) => setImmediate(r)); // no unhandled rejection meanwhile
    await expect(p).rejects.toThrow("read ahead failed");
  });
});
