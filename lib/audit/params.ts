import { storableText } from "./storable";

/**
 * Audit parameters carry ids and options, never personal data. Actions name the input
 * keys worth recording; this is the second fence: secrets and personal fields are
 * dropped by name, and any string that looks like an email is masked, whatever key it
 * came under. Keys and strings are made storable (./storable.ts): no input can make the
 * audit insert fail.
 */

export type AuditValue = string | number | boolean | null | AuditValue[];
export type AuditParams = Record<string, AuditValue>;

const NEVER = /pass(word)?|secret|token|email|^name$|fullname|phone|address|cookie|authorization/i;
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
/** Parameters recorded per event at most (an action without an `audit` list records every input key). */
const MAX_KEYS = 50;

export function scrubParams(input: Record<string, unknown> | undefined, keys?: readonly string[]): AuditParams {
  const out: AuditParams = {};
  if (!input || typeof input !== "object") return out;
  // Bounded like the values: the keys are the caller's too when an action names none.
  for (const key of (keys ?? Object.keys(input)).slice(0, MAX_KEYS)) {
    if (NEVER.test(key) || !(key in input)) continue;
    const v = scrubValue(input[key]);
    if (v !== undefined) out[storableText(key.slice(0, 100))] = v;
  }
  return out;
}

function scrubValue(v: unknown): AuditValue | undefined {
  if (v === null || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v.toString();
  // Cut before the e-mail mask too: it backtracks, quadratic in the string's length (a signed-out
  // caller's 200,000 characters took minutes); a token longer than this is no e-mail address.
  if (typeof v === "string") return storableText(v.slice(0, 2000).replace(EMAIL, "[email]").slice(0, 500));
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => scrubValue(x) ?? null);
  return undefined; // objects: an action that needs one recorded names its scalar keys
}
