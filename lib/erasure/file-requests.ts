import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { parseKeyCsvLines } from "./csv-keys";
import { addRequests } from "./requests";
import { parseKey, subjectByName, subjectLabel } from "./subjects";

/**
 * The two ways a person files erasure requests, shared by the console's server actions
 * (lib/erasure/actions.ts) and `custodian erasure add|import` (lib/cli), so both take the
 * same input, refuse the same keys with the same messages and store the same rows.
 */

/** The day a request was received (YYYY-MM-DD, UTC) as a date; none: now. */
const receivedAt = (day: string | undefined) => (day ? new Date(`${day}T00:00:00Z`) : undefined);

/**
 * The subject and key of one request as typed (a JSON array for a composite key), and the
 * audit object naming it: `subject:shop.users:3047`, as the CLI writes it. Named before the
 * key's type is checked, so a refused key is on the trail with what was typed.
 */
export function manualRequestKey(config: Config, subject: string, keyText: string): { key: string[]; object: string } {
  const s = subjectByName(config, subject);
  const key = parseKey(s, keyText);
  return { key, object: `subject:${subjectLabel({ target: s.target, table: s.table, key })}` };
}

/** Files one request (the console's form): the key read by its column's type, refused with nothing stored when it is no value of it. */
export async function fileManualRequest(
  store: Store,
  config: Config,
  input: { subject: string; key: string[]; receivedOn?: string },
  requestedBy: string,
): Promise<{ id: string; created: boolean }> {
  const { ids, created } = await addRequests(store, config, {
    subject: input.subject,
    keys: [input.key],
    source: "manual",
    requestedBy,
    receivedAt: receivedAt(input.receivedOn),
  });
  return { id: ids[0], created: created > 0 };
}

/**
 * Files a list of keys (the console's CSV upload): one key per line, one field per key
 * column. All or nothing: a line that cannot be read, or a key that is no value of its
 * column's type, refuses the whole list with every problem's line, and nothing is stored.
 */
export async function fileKeyList(
  store: Store,
  config: Config,
  input: { subject: string; csv: string; receivedOn?: string },
  requestedBy: string,
): Promise<{ created: number; existing: number }> {
  const { keys, lines } = parseKeyCsvLines(input.csv, subjectByName(config, input.subject).key);
  const { created, existing } = await addRequests(store, config, {
    subject: input.subject,
    keys,
    lines,
    source: "csv",
    requestedBy,
    receivedAt: receivedAt(input.receivedOn),
  });
  return { created, existing };
}
