import { errorFields, log } from "../log/logger";

/**
 * A catch handler for a failure that must not replace the error or result at hand (a
 * rollback after a failed migration, marking a run failed, a heartbeat) but must not
 * vanish either: it goes to the log at warn with what was being done.
 */
export function logFailure(component: string, what: string): (err: unknown) => void {
  return (err) => {
    log().warn({ component, ...errorFields(err) }, what);
  };
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
