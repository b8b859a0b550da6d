/**
 * Text the store can keep, whatever a caller typed. PostgreSQL refuses a NUL character
 * (U+0000) in text and in jsonb, and an unpaired UTF-16 surrogate in jsonb: either would
 * make the audit insert fail and lose the record of the very call that carried it. So a
 * NUL is written as the six characters `\u0000` (still visible to whoever reads the
 * trail) and an unpaired surrogate as U+FFFD. Every other character is kept as it is.
 */
export function storableText(s: string): string {
  return s.replace(/\u0000/g, "\\u0000").replace(LONE_SURROGATE, "\ufffd");
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `storableText` for a value that may be absent. */
export function storableOrNull(s: string | null | undefined): string | null {
  return s == null ? null : storableText(s);
}

/**
 * An event's object is an id ("user:…", "job:…"); whoever calls an action chooses the input
 * it is taken from, signed in or not. Kept to this many characters (stored form, NUL escapes
 * included; a longer one ends in "…") so nobody can write huge rows into the append-only trail.
 */
export const AUDIT_OBJECT_MAX = 500;

export function auditObjectText(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = storableText(s);
  // storableText again: the cut may split a surrogate pair.
  return t.length <= AUDIT_OBJECT_MAX ? t : `${storableText(t.slice(0, AUDIT_OBJECT_MAX - 1))}…`;
}
