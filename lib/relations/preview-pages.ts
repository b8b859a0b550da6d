/**
 * The preview's page links. Keyset pages only go forward, so the way back travels in the URL:
 * `back` holds the cursors of the pages before this one, joined by "~", the first page as "-"
 * (neither is ever a cursor, which is base64url of a JSON object).
 */
const SEPARATOR = "~";
const FIRST = "-";

/** The cursors of the pages before this one, oldest first ("" for the first page). */
export function parseBack(back: string | undefined): string[] {
  return back ? back.split(SEPARATOR).map((c) => (c === FIRST ? "" : c)) : [];
}

export function previewHrefs(
  after: string | null,
  back: string[],
  next: string | null,
  href: (q: { after?: string; back?: string }) => string,
): { nextHref: string | null; prevHref: string | null; firstHref: string | null } {
  const join = (cursors: string[]) => (cursors.length ? cursors.map((c) => c || FIRST).join(SEPARATOR) : undefined);
  return {
    nextHref: next ? href({ after: next, back: join([...back, after ?? ""]) }) : null,
    prevHref: back.length ? href({ after: back[back.length - 1] || undefined, back: join(back.slice(0, -1)) }) : null,
    firstHref: after ? href({}) : null,
  };
}
