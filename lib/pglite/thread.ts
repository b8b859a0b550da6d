import { Worker } from "node:worker_threads";
import type { PGliteOptions, Results } from "@electric-sql/pglite";

/**
 * A PGlite instance run in a worker thread, reached through `query()` alone: all that a target
 * asks of PGlite (lib/targets/pglite/driver.ts: kysely-pglite-dialect sends every statement,
 * BEGIN and COMMIT included, through `query`). Opening a PGlite folder is ~0.5 s of CPU; a
 * one-off command that opens the embedded store and an embedded target (a small scan of the
 * demo) would otherwise open them one after the other on the main thread. In a thread, the
 * target opens on the machine's second core while the store opens on the first.
 *
 * Parameters cross to the thread by structured clone: strings, numbers, bigints, Dates, byte
 * arrays, arrays and plain objects arrive as they were sent. An object with its own `toJSON`
 * (a class instance bound as JSON) is sent as what `toJSON` returns, as PGlite would serialise it;
 * any other class instance would lose its prototype (none is bound today).
 */
export interface PGliteQueries {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Results<T>>;
  close(): Promise<void>;
}

/** What the instance is opened with; values cross to the thread by structured clone. */
export type ThreadedPGliteOptions = Pick<PGliteOptions, "startParams" | "pgliteWasmModule" | "fsBundle">;

interface Failure {
  message: string;
  [field: string]: unknown;
}

type Reply =
  | { type: "open"; error?: Failure }
  | { type: "result"; id: number; result?: Results<never>; error?: Failure }
  | { type: "closed"; error?: Failure }
  | { type: "lost"; id: number; error: Failure };

/**
 * The thread's side, as source text run with `eval` (a script or a module, as Node decides: it
 * uses neither `require` nor `import` statements). A file would have to be found beside
 * whichever bundle loaded this module (the CLI's dist/cli, Next's server chunks, tsx's sources).
 * PGlite itself is imported by its resolved file URL. Errors cross as plain objects with every
 * field that survives a structured clone (a PostgreSQL error's `code`, `detail`, …), which the
 * main thread turns back into an Error: lib/targets/postgres/errors.ts reads the code.
 */
const WORKER_SOURCE = `
// under --json the CLI's stdout carries one document: anything logged here goes to stderr
console.log = console.info = console.error;
function plain(err) {
  const out = { message: String((err && err.message) || err), name: err && err.name, stack: err && err.stack };
  for (const key of Object.keys(err || {})) {
    try { structuredClone(err[key]); out[key] = err[key]; } catch {}
  }
  return out;
}
import("node:worker_threads").then(({ parentPort, workerData }) => {
  function reply(message) {
    try { parentPort.postMessage(message); }
    // a result that cannot be sent back: its statement ran, so it must not read as a statement
    // that failed (the caller might run it again); the thread is given up instead
    catch (err) { parentPort.postMessage({ type: message.type === "result" && !message.error ? "lost" : message.type, id: message.id, error: plain(err) }); }
  }
  const opened = import(workerData.pglite).then(({ PGlite }) => PGlite.create(workerData.dir, workerData.options));
  opened.then(() => reply({ type: "open" }), (err) => reply({ type: "open", error: plain(err) }));
  parentPort.on("message", async (m) => {
    if (m.type === "query") {
      try {
        const r = await (await opened).query(m.sql, m.params);
        reply({ type: "result", id: m.id, result: { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows } });
      } catch (err) {
        reply({ type: "result", id: m.id, error: plain(err) });
      }
    } else if (m.type === "close") {
      try { await (await opened).close(); reply({ type: "closed" }); }
      catch (err) { reply({ type: "closed", error: plain(err) }); }
    }
  });
});
`;

/** Opens `dir` in a new worker thread; rejects as PGlite.create would (the thread is then gone). */
export async function openPGliteInThread(pgliteUrl: string, dir: string, options: ThreadedPGliteOptions): Promise<PGliteQueries> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pglite: pgliteUrl, dir, options } });
  const client = new ThreadedPGlite(worker, dir);
  try {
    await client.opened;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return client;
}

class ThreadedPGlite implements PGliteQueries {
  readonly opened: Promise<void>;
  private readonly pending = new Map<number, { resolve(r: Results<never>): void; reject(e: Error): void }>();
  private nextId = 0;
  /** Set once the thread can answer no more: every later call fails with it. */
  private gone: Error | null = null;
  private closing: Promise<void> | null = null;
  private settleOpen!: { resolve(): void; reject(e: Error): void };
  private settleClose: { resolve(): void; reject(e: Error): void } | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly dir: string,
  ) {
    this.opened = new Promise((resolve, reject) => (this.settleOpen = { resolve, reject }));
    worker.on("message", (m: Reply) => this.onReply(m));
    worker.on("messageerror", (err) => this.stop(new Error(`the PGlite thread of ${dir} sent a reply that cannot be read: ${err.message}`, { cause: err })));
    worker.on("error", (err) => this.stop(new Error(`the PGlite thread of ${dir} failed: ${err.message}`, { cause: err })));
    worker.on("exit", (code) => this.stop(new Error(`the PGlite thread of ${dir} exited (code ${code})`)));
  }

  query<T>(sql: string, params: unknown[] = []): Promise<Results<T>> {
    if (this.closing) return Promise.reject(new Error(`PGlite ${this.dir} is closed`));
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<Results<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Results<never>) => void, reject });
      try {
        this.worker.postMessage({ type: "query", id, sql, params: params.map(asSent) });
      } catch (err) {
        this.pending.delete(id);
        return reject(err as Error);
      }
      // the thread holds the process open only while a statement is in flight, as an open
      // PGlite on the main thread holds nothing
      this.worker.ref();
    });
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      if (!this.gone) {
        const closed = new Promise<void>((resolve, reject) => (this.settleClose = { resolve, reject }));
        this.worker.ref();
        this.worker.postMessage({ type: "close" });
        try {
          await closed;
        } finally {
          await this.worker.terminate();
        }
      }
    })());
  }

  private onReply(m: Reply): void {
    if (m.type === "open") {
      if (m.error) this.settleOpen.reject(asError(m.error));
      else this.settleOpen.resolve();
      this.idle();
    } else if (m.type === "result") {
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) waiting?.reject(asError(m.error));
      else waiting?.resolve(m.result!);
      this.idle();
    } else if (m.type === "lost") {
      this.stop(new Error(`the PGlite thread of ${this.dir} ran a statement but could not hand back its result: ${m.error.message}`));
    } else {
      if (m.error) this.settleClose?.reject(asError(m.error));
      else this.settleClose?.resolve();
    }
  }

  private idle(): void {
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
  }

  /** The thread can answer no more: everything waiting fails, and the thread is ended (if it still runs). */
  private stop(err: Error): void {
    this.gone ??= err;
    void this.worker.terminate();
    this.settleOpen.reject(err);
    this.settleClose?.resolve(); // nothing is left to close
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}

/** The thread's error as an Error of this thread, with PostgreSQL's fields (`code`, …) on it. */
function asError(failure: Failure): Error {
  const { message, name, stack, ...fields } = failure;
  const err = Object.assign(new Error(message), fields);
  if (typeof name === "string" && name) err.name = name;
  // where the caller asked, then where PGlite failed
  if (typeof stack === "string") err.stack = `${err.stack}\n  in the PGlite thread: ${stack}`;
  return err;
}

/** A parameter as PGlite on this thread would see it, in a form structured clone keeps (see PGliteQueries). */
function asSent(value: unknown): unknown {
  if (value === null || typeof value !== "object" || value instanceof Date || ArrayBuffer.isView(value) || Array.isArray(value)) return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === "function" ? (toJSON as () => unknown).call(value) : value;
}
