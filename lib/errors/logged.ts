/** Failure lines being written (the logger loading): the CLI waits for them before it exits. */
const pending = new Set<Promise<void>>();

/**
 * A catch handler for a failure that must not replace the error or result at hand (a
 * rollback after a failed migration, marking a run failed, a heartbeat) but must not
 * vanish either: it goes to the log at warn with what was being done. The logger (pino) is
 * loaded by the first such failure, not by every process that might have one (~50 ms of a
 * small CLI command's start). The handler's promise settles once the line is written.
 */
export function logFailure(component: string, what: string): (err: unknown) => Promise<void> {
  return (err) => {
    const written = import("../log/logger").then(({ errorFields, log }) => {
      log().warn({ component, ...errorFields(err) }, what);
    });
    pending.add(written);
    const done = () => void pending.delete(written);
    written.then(done, done);
    return written;
  };
}

/** Settles once every failure handed to a logFailure handler so far is written (or failed to be). */
export async function failuresLogged(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * Marks a promise that is awaited later (a read ahead, a target being opened) as handled,
 * so failing before that await is not an unhandled rejection. The failure is not lost:
 * whoever awaits the promise gets it.
 */
export function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
