import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { hasPostgres, POSTGRES_URL } from "../../../test/services";
import { openTarget } from "../open";
import { utcSessions } from "./driver";

describe("utcSessions", () => {
  it("asks for UTC in the startup options, after any the URL gives, keeping the rest of the URL", () => {
    expect(utcSessions("postgres://u@127.0.0.1:5432/db")).toBe("postgres://u@127.0.0.1:5432/db?options=-c+TimeZone%3DUTC");
    const withOptions = new URLSearchParams(utcSessions("postgres://u@h/db?sslmode=require&options=-c%20search_path%3Dapp").split("?")[1]);
    expect(withOptions.get("sslmode")).toBe("require");
    expect(withOptions.get("options")).toBe("-c search_path=app -c TimeZone=UTC");
    // a socket URL, which `new URL` refuses
    expect(utcSessions("postgres://u@/db?host=/run/postgresql")).toBe("postgres://u@/db?host=%2Frun%2Fpostgresql&options=-c+TimeZone%3DUTC");
  });
});

describe.runIf(hasPostgres)("a PostgreSQL target's sessions", () => {
  it("run in UTC even when the URL asks for another time zone", async () => {
    const url = `${POSTGRES_URL}${POSTGRES_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent("-c TimeZone=Pacific/Auckland")}`;
    const target = await openTarget({ name: "utc_check", dialect: "postgres", url });
    try {
      const rows = await target.query(sql<{ TimeZone: string }>`SHOW TimeZone`);
      expect(rows[0].TimeZone).toBe("UTC");
    } finally {
      await target.close();
    }
  });

  it("refuse the connection when the session settings cannot be applied, instead of going on in another time zone", async () => {
    const url = `${POSTGRES_URL}${POSTGRES_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent("-c no_such_setting_h_errors=1")}`;
    const target = await openTarget({ name: "utc_check", dialect: "postgres", url });
    try {
      await expect(target.query(sql`SELECT 1`)).rejects.toThrow();
    } finally {
      await target.close();
    }
  });
});
