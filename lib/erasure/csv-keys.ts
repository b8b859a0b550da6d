import { UserError } from "../errors/user-error";
/** Most keys one upload may carry: a bigger list belongs in several files (or the CLI in a loop). */
export const MAX_UPLOAD_KEYS = 10_000;

export class KeyListError extends UserError {
  constructor(message: string) {
    super("usage", message);
  }
}

/**
 * Keys from an uploaded CSV: one key per line, one field per key column (RFC 4180 quoting).
 * A first line naming the key columns is a header and skipped; blank lines are ignored.
 * Errors name the line, so a person can fix the file.
 */
export function parseKeyCsv(text: string, keyColumns: string[]): string[][] {
  return parseKeyCsvLines(text, keyColumns).keys;
}

/** The keys of a CSV with the line each came from (for the key-type check's messages). */
export function parseKeyCsvLines(text: string, keyColumns: string[]): { keys: string[][]; lines: number[] } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const keys: string[][] = [];
  const at: number[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const fields = splitCsvLine(line, i + 1).map((f) => f.trim());
    if (i === 0 && fields.length === keyColumns.length && fields.every((f, j) => f.toLowerCase() === keyColumns[j].toLowerCase())) return;
    if (fields.length !== keyColumns.length) {
      throw new KeyListError(`line ${i + 1}: expected ${keyColumns.length} value(s) (${keyColumns.join(", ")}), found ${fields.length}`);
    }
    if (fields.some((f) => !f)) throw new KeyListError(`line ${i + 1}: a key value is empty`);
    const id = JSON.stringify(fields);
    if (seen.has(id)) return;
    seen.add(id);
    keys.push(fields);
    at.push(i + 1);
    if (keys.length > MAX_UPLOAD_KEYS) throw new KeyListError(`more than ${MAX_UPLOAD_KEYS.toLocaleString("en-US")} keys: split the file`);
  });
  if (!keys.length) throw new KeyListError("the file holds no keys");
  return { keys, lines: at };
}

function splitCsvLine(line: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= line.length) throw new KeyListError(`line ${lineNo}: a quoted value is not closed`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      out.push(value);
    } else {
      const end = line.indexOf(",", i);
      out.push(end === -1 ? line.slice(i) : line.slice(i, end));
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return out;
    if (line[i] !== ",") throw new KeyListError(`line ${lineNo}: unexpected text after a quoted value`);
    i++;
  }
}
