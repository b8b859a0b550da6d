import { describe, expect, it } from "vitest";
import { SerialLock } from "./serial";

const tick = () => new Promise((r) => setImmediate(r));

describe("SerialLock", () => {
  it("is one lock per database key in the process", () => {
    expect(SerialLock.of("sqlite:/x.db")).toBe(SerialLock.of("sqlite:/x.db"));
    expect(SerialLock.of("sqlite:/x.db")).not.toBe(SerialLock.of("sqlite:/y.db"));
  });

  it("gives turns one at a time, in the order asked", async () => {
    const lock = SerialLock.of("test:order");
    const log: string[] = [];
    const turn = (name: string) =>
      lock.exclusive(async () => {
        log.push(`${name} in`);
        await tick();
        log.push(`${name} out`);
      });
    await Promise.all([turn("a"), turn("b"), turn("c")]);
    expect(log).toEqual(["a in", "a out", "b in", "b out", "c in", "c out"]);
  });

  it("runs a nested turn at once instead of waiting for itself", async () => {
    const lock = SerialLock.of("test:nested");
    expect(await lock.exclusive(() => lock.exclusive(async () => "inner"))).toBe("inner");
  });

  it("passes the turn on when a turn fails", async () => {
    const lock = SerialLock.of("test:fails");
    await expect(lock.exclusive(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await lock.exclusive(async () => "next")).toBe("next");
  });

  it("work a turn started and left running waits for a turn of its own", async () => {
    const lock = SerialLock.of("test:outlives");
    const log: string[] = [];
    let leftRunning: Promise<void> = Promise.resolve();
    let release!: () => void;
    const other = new Promise<void>((r) => (release = r));
    await lock.exclusive(async () => {
      leftRunning = (async () => {
        await tick();
        await lock.exclusive(async () => void log.push("left running"));
      })();
    });
    const holder = lock.exclusive(async () => {
      log.push("next in");
      await other;
      log.push("next out");
    });
    await tick();
    await tick();
    release();
    await Promise.all([holder, leftRunning]);
    expect(log).toEqual(["next in", "next out", "left running"]);
  });
});
