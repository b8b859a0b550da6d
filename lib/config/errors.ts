import { UserError } from "../errors/user-error";
/** A problem with the configuration: always names the file, the key path and what was expected. */
export class ConfigError extends UserError {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly expected: string,
    readonly line?: number,
  ) {
    super("usage", `${file}${line ? `:${line}` : ""}: ${path ? `${path}: ` : ""}${expected}`);
    this.name = "ConfigError";
  }
}

/** Joins a key path the way a person reads it: relations[0].child.columns */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
