// The CREATE TABLE statement of a rebuilt table (sqlite.org/lang_altertable.html, "making
// other kinds of table schema changes"): the table's own statement from sqlite_schema,
// every column definition and table constraint kept as the database stored it (types,
// defaults, CHECKs, collations, WITHOUT ROWID), only the foreign keys being replaced taken
// out and the new ones appended. The text is the database's own; nothing here comes from
// a person, and the names added are quoted by the caller.

interface Token {
  text: string;
  start: number;
  end: number;
  /** Upper-cased bare word, else "" (quoted names, punctuation, literals). */
  word: string;
}

/** SQLite's tokens, enough to find parentheses, commas and keywords outside quotes and comments. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (c === '"' || c === "'" || c === "`" || c === "[") {
      const quote = c === "[" ? "]" : c;
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) break;
        if (sql[j] === quote) {
          if (quote !== "]" && sql[j + 1] === quote) j += 2;
          else break;
        } else j++;
      }
      tokens.push({ text: sql.slice(i, j + 1), start: i, end: j + 1, word: "" });
      i = j + 1;
    } else if (/[A-Za-z0-9_$\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j])) j++;
      const text = sql.slice(i, j);
      tokens.push({ text, start: i, end: j, word: text.toUpperCase() });
      i = j;
    } else {
      tokens.push({ text: c, start: i, end: i + 1, word: "" });
      i++;
    }
  }
  return tokens;
}

/** A name as written (quoted or bare), unquoted. */
export function unquote(text: string): string {
  const q = text[0];
  if (q === '"' || q === "`" || q === "'")
    return text
      .slice(1, -1)
      .split(q + q)
      .join(q);
  if (q === "[") return text.slice(1, -1);
  return text;
}

/** Column-constraint keywords that end a column's REFERENCES clause (NOT only before NULL). */
const COLUMN_CONSTRAINT = new Set(["CONSTRAINT", "PRIMARY", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "GENERATED", "AS", "REFERENCES"]);
const TABLE_CONSTRAINT = new Set(["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]);

interface Item {
  tokens: Token[];
  start: number;
  end: number;
}

/** The statement's column definitions and table constraints, and where the list ends. */
function splitBody(ddl: string): { items: Item[]; close: number } {
  const tokens = tokenize(ddl);
  const first = tokens.findIndex((t) => t.text === "(");
  if (first < 0) throw new Error("not a CREATE TABLE … ( … ) statement");
  const items: Item[] = [];
  let depth = 0;
  let current: Token[] = [];
  for (let k = first + 1; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.text === "(") depth++;
    if (t.text === ")") {
      if (depth === 0) {
        if (current.length) items.push({ tokens: current, start: current[0].start, end: current[current.length - 1].end });
        return { items, close: t.start };
      }
      depth--;
    }
    if (t.text === "," && depth === 0) {
      if (current.length) items.push({ tokens: current, start: current[0].start, end: current[current.length - 1].end });
      current = [];
      continue;
    }
    current.push(t);
  }
  throw new Error("unbalanced parentheses in CREATE TABLE");
}

/** The names inside the first parenthesised list from token k on. */
function namesInParens(tokens: Token[], k: number): string[] {
  const open = tokens.findIndex((t, i) => i >= k && t.text === "(");
  const names: string[] = [];
  for (let i = open + 1; i < tokens.length && tokens[i].text !== ")"; i++) {
    if (tokens[i].text !== ",") names.push(unquote(tokens[i].text));
  }
  return names;
}

const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i].toLowerCase());

/**
 * The table's CREATE statement under a new name (`newName`, already quoted), without the
 * foreign keys on any of `dropOn` (child column lists), with `add` (clauses, already
 * compiled) appended to its constraints.
 */
export function rebuiltCreateTable(ddl: string, newName: string, dropOn: string[][], add: string[]): string {
  const { items, close } = splitBody(ddl);
  const kept: string[] = [];
  for (const item of items) {
    const t = item.tokens;
    const isConstraint = TABLE_CONSTRAINT.has(t[0].word);
    if (isConstraint) {
      const fk = t.findIndex((x) => x.word === "FOREIGN");
      if (fk >= 0 && dropOn.some((cols) => sameColumns(cols, namesInParens(t, fk)))) continue;
      kept.push(ddl.slice(item.start, item.end));
      continue;
    }
    const column = unquote(t[0].text);
    if (!dropOn.some((cols) => sameColumns(cols, [column]))) {
      kept.push(ddl.slice(item.start, item.end));
      continue;
    }
    kept.push(withoutReferences(ddl, item));
  }
  return `CREATE TABLE ${newName} (\n  ${[...kept, ...add].join(",\n  ")}\n)${ddl.slice(close + 1)}`.replace(/\s+$/, "");
}

/** A column definition without its REFERENCES clause (and the CONSTRAINT name before it). */
function withoutReferences(ddl: string, item: Item): string {
  const t = item.tokens;
  let depth = 0;
  let from = -1;
  let to = t.length;
  for (let k = 1; k < t.length; k++) {
    if (t[k].text === "(") depth++;
    if (t[k].text === ")") depth--;
    if (depth !== 0) continue;
    if (from < 0 && t[k].word === "REFERENCES") {
      from = k >= 2 && t[k - 2].word === "CONSTRAINT" ? k - 2 : k;
      continue;
    }
    if (from >= 0 && k > from + 1) {
      const endsHere = COLUMN_CONSTRAINT.has(t[k].word) || (t[k].word === "NOT" && t[k + 1]?.word === "NULL");
      if (endsHere) {
        to = k;
        break;
      }
    }
  }
  if (from < 0) return ddl.slice(item.start, item.end);
  const before = ddl.slice(item.start, t[from].start).trimEnd();
  const after = to < t.length ? ddl.slice(t[to].start, item.end) : "";
  return after ? `${before} ${after}` : before;
}
