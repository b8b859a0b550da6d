import { normaliseValue } from "../targets/keys";

/** A subject's primary key as the store keeps it: a JSON array of its values as text. */
export const keyText = (key: unknown[]) => JSON.stringify(key.map((v) => String(normaliseValue(v))));

export const keyFromText = (text: string): string[] => JSON.parse(text) as string[];

/** "42" or "[1,2]" (a composite key) from a person or a script, as key values. */
export function parseKeyInput(input: string): string[] {
  const t = input.trim();
  if (t.startsWith("[")) {
    const parsed: unknown = JSON.parse(t);
    if (!Array.isArray(parsed) || parsed.length === 0) throw new Error("a composite key is a JSON list of values, e.g. [1, 2]");
    return parsed.map(String);
  }
  return [t];
}
