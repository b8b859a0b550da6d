import type { Row } from "./rows";

/** One row a batch means to change: its primary key (values as text), and the row itself when dependents in other databases need it. */
export interface Intent {
  pk: string[];
  row?: Row;
}

/**
 * A batch's intent as kept in cleanup_batches.keys (JSON; a purge's keys in deletion_steps.intent
 * the same way), in the smallest form that holds it:
 * - a batch of lone integer keys (every plain delete, the common case) is one string:
 *   "i36:" then each key's difference from the one before, in base 36, comma-separated.
 *   Keys come in primary-key order, so the differences are small: ~3 characters a key,
 *   where the store took ~20 ms a batch (of 12,000 keys, on the embedded store) to parse
 *   and compress the same keys as a JSON array of arrays;
 * - other keys as bare arrays of their values as text: [["a", "1"], …];
 * - rows with their dependents' data as { pk, row } objects.
 * unpackIntent reads every form, older batches' included ({ pk } objects without a row).
 */
export function unpackIntent(stored: unknown): Intent[] {
  if (typeof stored === "string") return unpackIntegers(stored).map((pk) => ({ pk }));
  return (stored as unknown[]).map((e) => (Array.isArray(e) ? { pk: e as string[] } : (e as Intent)));
}

/** Keys as stored: packed integers (as text), or the arrays the caller kept when they were not. */
export function unpackKeys(stored: unknown): unknown[][] {
  return typeof stored === "string" ? unpackIntegers(stored) : (stored as unknown[][]);
}

const PREFIX = "i36:";

/**
 * Primary keys packed as one string, or null when a key is not one integer that survives
 * the round trip through a double exactly (its text included): the caller keeps those as arrays.
 */
export function packedIntegerKeys(keys: unknown[][]): string | null {
  const parts = new Array<string>(keys.length);
  let previous = 0;
  for (let i = 0; i < keys.length; i++) {
    const pk = keys[i];
    if (pk.length !== 1) return null;
    const v = pk[0];
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "bigint") return null;
    const n = Number(v);
    const delta = n - previous;
    if (!Number.isSafeInteger(n) || !Number.isSafeInteger(delta) || String(n) !== String(v)) return null;
    parts[i] = delta.toString(36);
    previous = n;
  }
  return PREFIX + parts.join(",");
}

function unpackIntegers(stored: string): string[][] {
  if (!stored.startsWith(PREFIX)) throw new Error(`a batch's intent is in a form this version does not know: ${stored.slice(0, 20)}…`);
  const body = stored.slice(PREFIX.length);
  if (!body) return [];
  let previous = 0;
  return body.split(",").map((d) => {
    previous += parseInt(d, 36);
    return [String(previous)];
  });
}
