import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_NAMES, parseEnv } from "./env";
import { UserError } from "./errors/user-error";

const root = path.resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" ? [] : sources(p);
    return /\.(ts|tsx|mjs)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [p] : [];
  });
}

describe("the environment schema", () => {
  it("reads a valid environment, empty values as unset", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://u@h/db", CUSTODIAN_WEB_WORKERS: "0", CUSTODIAN_DEMO: "", PATH: "/bin" })).toEqual({
      DATABASE_URL: "postgres://u@h/db",
      CUSTODIAN_WEB_WORKERS: "0",
    });
  });

  it("names every malformed variable at once, as a usage error", () => {
    let err: unknown;
    try {
      parseEnv({ DATABASE_URL: "mysql://h/db", CUSTODIAN_URL: "not a url", PORT: "eighty" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).kind).toBe("usage");
    expect((err as Error).message).toMatch(/DATABASE_URL: expected a postgres:\/\/ URL/);
    expect((err as Error).message).toMatch(/CUSTODIAN_URL: /);
    expect((err as Error).message).toMatch(/PORT: expected a whole number/);
  });

  it("holds every CUSTODIAN_ variable the code names, and docs/configuration.md lists each", () => {
    const named = new Set<string>();
    for (const file of [...sources(path.join(root, "lib")), ...sources(path.join(root, "app")), ...sources(path.join(root, "scripts"))]) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bCUSTODIAN_[A-Z0-9_]+\b/g)) named.add(m[0]);
    }
    named.delete("CUSTODIAN_VERSION"); // a constant (lib/erasure/version.ts), not a variable
    expect([...named].filter((n) => !ENV_NAMES.includes(n as never)).sort()).toEqual([]);
    const docs = readFileSync(path.join(root, "docs/configuration.md"), "utf8");
    expect(ENV_NAMES.filter((n) => !docs.includes(`\`${n}\``))).toEqual([]);
  });
});
