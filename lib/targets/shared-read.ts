/**
 * Reads shared for a while within the process: the same read asked for while one is under
 * way, or within `ttlMs` of its answer, gets that answer instead of going to the target
 * again (the relation page's preview, opened by many people at once). A failed read is not
 * kept. On globalThis: Next bundles the server's layers separately.
 */
interface Entry {
  at: number;
  value: Promise<unknown>;
}

const reads = ((globalThis as any)[Symbol.for("custodian.sharedReads")] ??= new Map<string, Entry>()) as Map<string, Entry>;
const MAX_ENTRIES = 500;

export function sharedRead<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = reads.get(key);
  if (hit && now - hit.at < ttlMs) return hit.value as Promise<T>;
  if (reads.size >= MAX_ENTRIES) for (const [k, e] of reads) if (now - e.at >= ttlMs || reads.size >= MAX_ENTRIES) reads.delete(k);
  const value = load();
  const entry = { at: now, value };
  reads.set(key, entry);
  value.catch(() => {
    if (reads.get(key) === entry) reads.delete(key);
  });
  return value;
}
