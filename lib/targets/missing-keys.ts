import { cannotBeOfFamily, integerRange, outsideRange, typeFamily } from "./keys";
import { parseCounts } from "./page";
import type { LookupRow } from "./dialect";

/**
 * The keys no row of the parent's column types could hold (flagged by position), or null
 * when any may exist: they are missing without asking the database.
 */
export function impossibleKeys(types: string[], keys: unknown[][], size: number): Uint8Array | null {
  let impossible: Uint8Array | null = null;
  types.forEach((type, c) => {
    const family = typeFamily(type);
    if (family !== "integer" && family !== "uuid") return;
    const range = family === "integer" ? integerRange(type) : null;
    const column = keys[c];
    for (let i = 0; i < size; i++) {
      if (cannotBeOfFamily(column[i], family) || (range && outsideRange(column[i], range))) (impossible ??= new Uint8Array(size))[i] = 1;
    }
  });
  return impossible;
}

/** The 1-based positions a lookup batch's rows name as missing. */
export function missingOrds(rows: LookupRow[]): number[] {
  if (rows.length === 1 && "ords" in rows[0]) return rows[0].ords == null ? [] : parseCounts(rows[0].ords);
  return rows.map((r) => Number((r as { ord: unknown }).ord));
}

/**
 * Of `size` keys (column by column), the positions (ascending) of those missing: the
 * impossible ones at once, the others asked in batches of `batch`, `concurrency` batches
 * at a time (`ask` answers a batch's missing 1-based positions).
 */
export async function lookUpInBatches(opts: {
  keys: unknown[][];
  size: number;
  impossible: Uint8Array | null;
  batch: number;
  concurrency: number;
  ask: (slice: unknown[][]) => Promise<number[]>;
}): Promise<number[]> {
  const { keys, size, impossible, batch } = opts;
  const missing: number[] = [];
  let ask = keys;
  let askAt: number[] | null = null; // position in `keys` of each asked key, when some are not asked
  if (impossible) {
    const at: number[] = [];
    for (let i = 0; i < size; i++) (impossible[i] ? missing : at).push(i);
    askAt = at;
    ask = keys.map((column) => at.map((i) => column[i]));
  }
  const asking = askAt ? askAt.length : size;
  let next = 0;
  const worker = async () => {
    while (next < asking) {
      const start = next;
      next += batch;
      const slice = start === 0 && next >= asking ? ask : ask.map((column) => column.slice(start, start + batch));
      for (const ord of await opts.ask(slice)) {
        const i = start + ord - 1;
        missing.push(askAt ? askAt[i] : i);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, Math.ceil(asking / batch)) }, worker));
  return missing.sort((a, b) => a - b);
}
