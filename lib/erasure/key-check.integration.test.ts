/**
 * Filing keys reads the key column's type from the subject's database. When that database
 * cannot be reached, the refusal says so with the target's kind (unreachable: the CLI exits
 * 1, an outage), not as bad usage (exit 2, "fix your command"); a configured table that does
 * not exist is the config's fault, and stays usage.
 */
import { describe, expect, it } from "vitest";
import type { Config } from "../config/types";
import { TargetPool } from "../targets/pool";
import { canonicalKeys, KeyCheckError } from "./keys";

type SubjectConfig = Config["subjects"][number];
const subject = { name: "user", target: "gone", table: "users", key: ["id"] } as SubjectConfig;

async function refusal(pool: TargetPool, s: SubjectConfig): Promise<KeyCheckError> {
  try {
    await canonicalKeys(pool, s, [["1"]]);
  } catch (err) {
    if (err instanceof KeyCheckError) return err;
    throw err;
  }
  throw new Error("the keys were accepted");
}

describe("checking keys against the subject's column types", () => {
  it("refuses with the unreachable kind when the subject's database is down", async () => {
    const pool = new TargetPool({ gone: { name: "gone", dialect: "postgres", url: "postgres://postgres@127.0.0.1:1/test" } });
    try {
      const err = await refusal(pool, subject);
      expect(err.kind).toBe("unreachable");
      expect(err.message).toMatch(/cannot check the key against gone\.users/);
    } finally {
      await pool.close();
    }
  });

  it("refuses as usage when the configured table has no such column", async () => {
    const pool = new TargetPool({ mem: { name: "mem", dialect: "sqlite", url: ":memory:" } });
    try {
      const err = await refusal(pool, { ...subject, target: "mem", table: "no_such_table" });
      expect(err.kind).toBe("usage");
    } finally {
      await pool.close();
    }
  });
});
