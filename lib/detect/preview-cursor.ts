import { z } from "zod";
import { usageError } from "../errors/user-error";
import { normaliseValue } from "../targets/keys";

/**
 * Where a page of the orphan preview ends: the last row shown, as its child key and its
 * primary key (null for a table without one: the next page starts at the next key). Text
 * for a URL; values normalised as the key walk reads them, and always bound when used.
 */
export interface PreviewCursor {
  key: unknown[];
  pk: unknown[] | null;
}

const shape = z.object({ k: z.array(z.string()).min(1), p: z.array(z.string()).min(1).nullable() });

export function encodePreviewCursor(c: PreviewCursor): string {
  return Buffer.from(JSON.stringify({ k: c.key.map(normaliseValue), p: c.pk ? c.pk.map(normaliseValue) : null })).toString("base64url");
}

export function decodePreviewCursor(text: string | null | undefined, keyColumns: number, pkColumns: number): PreviewCursor | null {
  if (!text) return null;
  let parsed: z.infer<typeof shape> | null;
  try {
    const r = shape.safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    parsed = r.success ? r.data : null;
  } catch {
    parsed = null;
  }
  if (!parsed || parsed.k.length !== keyColumns || (parsed.p && parsed.p.length !== pkColumns))
    throw usageError("That page link is not a position in this relation: start again from the first page.");
  return { key: parsed.k, pk: parsed.p };
}
