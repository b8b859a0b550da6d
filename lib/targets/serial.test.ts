import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { SerialDeadlock, SerialLock } from "./serial";

const tick = () => new Promise((r) => setImmediate(r));

describe("SerialLock", () => {
  // a transaction to stand open (what within() keeps for its context): a real in-memory database
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(":memory:") }) });
  afterAll(() => db.destroy());

  it("is one lock per database key in the process", () => {
    expect(SerialLock.of("sqlite:/x.db")).toBe(SerialLock.of("sqlite:/x.db"));
    expect(SerialLock.of("sqlite:/x.db")).not.toBe(SerialLock.of("sqlite:/y.db"));
  });

  it("gives turns one at a time, in the order asked", async () => {
    const lock = SerialLock.of("test:order");
    const log: string[] = [];
    const turn = (name: string) =>
      lock.turn(async () => {
        log.push(`${name} in`);
        await tick();
        log.push(`${name} out`);
      });
    await Promise.all([turn("a"), turn("b"), turn("c")]);
    expect(log).toEqual(["a in", "a out", "b in", "b out", "c in", "c out"]);
  });

  it("passes the turn on when a turn fails", async () => {
    const lock = SerialLock.of("test:fails");
    await expect(lock.turn(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await lock.turn(async () => "next")).toBe("next");
  });

  it("knows the open transaction in its own async context only, and only on its own database", async () => {
    const lock = SerialLock.of("test:context");
    const other = SerialLock.of("test:context-other");
    let outside: unknown = "unset";
    let release!: () => void;
    const open = new Promise<void>((r) => (release = r));
    const inside = lock.turn(() =>
      lock.within(db, async () => {
        await open;
        return [lock.openTransaction(), await (async () => lock.openTransaction())(), other.openTransaction()];
      }),
    );
    await tick();
    outside = lock.openTransaction();
    release();
    expect(await inside).toEqual([db, db, null]);
    expect(outside).toBeNull();
  });

  it("work a transaction started and left running has no open transaction once it ended", async () => {
    const lock = SerialLock.of("test:outlives");
    let release!: () => void;
    const ended = new Promise<void>((r) => (release = r));
    let seen: unknown = "unset";
    let leftRunning: Promise<void> = Promise.resolve();
    await lock.turn(() =>
      lock.within(db, async () => {
        leftRunning = (async () => {
          await ended;
          seen = lock.openTransaction();
        })();
      }),
    );
    release();
    await leftRunning;
    expect(seen).toBeNull();
  });

  it("refuses the wait that would close a circle of transactions on two databases, and the other goes on", async () => {
    const a = SerialLock.of("test:circle-a");
    const b = SerialLock.of("test:circle-b");
    let bothOpen!: () => void;
    const open = new Promise<void>((r) => (bothOpen = r));
    let opened = 0;
    const opening = () => ++opened === 2 && bothOpen();
    // each holds one database in a transaction and then asks for the other's
    const crossing = (mine: SerialLock, theirs: SerialLock, name: string) =>
      mine.turn(() =>
        mine.within(db, async () => {
          opening();
          await open;
          return theirs.turn(async () => name);
        }),
      );
    const outcomes = await Promise.allSettled([crossing(a, b, "first"), crossing(b, a, "second")]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected")!;
    expect(refused.reason).toBeInstanceOf(SerialDeadlock);
    expect(refused.reason.message).toMatch(
      /^deadlock: a transaction waited for circle-[ab] while the one holding it waited for a database this transaction holds/,
    );
    // and the locks are free again
    expect(await Promise.all([a.turn(async () => 1), b.turn(async () => 2)])).toEqual([1, 2]);
  });

  it("lets a transaction wait for another database whose holder waits for nothing it holds", async () => {
    const a = SerialLock.of("test:chain-a");
    const b = SerialLock.of("test:chain-b");
    let release!: () => void;
    const later = new Promise<void>((r) => (release = r));
    const holdingB = b.turn(() => b.within(db, () => later.then(() => "b done")));
    const waitingForB = a.turn(() => a.within(db, () => b.turn(async () => "a got b")));
    await tick();
    release();
    expect(await Promise.all([holdingB, waitingForB])).toEqual(["b done", "a got b"]);
  });
});
