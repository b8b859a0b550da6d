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

export function scrubParams(input: Record<string, unknown> | undefined, keys?: readonly string[]): AuditParams {
  const out: AuditParams = {};
  if (!input || typeof input !== "object") return out;
  for (const key of keys ?? Object.keys(input)) {
    if (NEVER.test(key) || !(key in input)) continue;
    const v = scrubValue(input[key]);
    if (v !== undefined) out[storableText(key)] = v;
  }
  return out;
}

function scrubValue(v: unknown): AuditValue | undefined {
  if (v === null || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return storableText(v.replace(EMAIL, "[email]").slice(0, 500));
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => scrubValue(x) ?? null);
  return undefined; // objects: an action that needs one recorded names its scalar keys
}
