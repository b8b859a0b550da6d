import type { Store } from "../store/client";
import { recordAudit, type AuditEntry } from "./record";
import { UserError } from "../errors/user-error";

/** The audit record of a call could not be written: the call is refused (or reported failed), never silently unaudited. */
export class AuditWriteError extends UserError {
  constructor(message: string) {
    super("refused", message);
    this.name = "AuditWriteError";
  }
}

/**
 * Appends an audit event or fails the call that needed it. Whatever the caller sent is
 * storable (./storable.ts), so this fails only when the store itself does; the entry
 * then goes to the server log in full (ids and options only, like the trail), so it is
 * not lost, and the caller gets an AuditWriteError saying so.
 */
export async function mustRecord(
  store: Store,
  entry: AuditEntry,
  failure = `${entry.action} was not run: its audit record could not be written`,
): Promise<void> {
  try {
    await recordAudit(store, entry);
  } catch (err) {
    console.error(`custodian: audit record not written (request ${entry.requestId}): ${JSON.stringify(entry)}:`, err);
    throw new AuditWriteError(`${failure} (request ${entry.requestId}); the server log has it.`);
  }
}
