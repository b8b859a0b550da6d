import { describe, expect, it } from "vitest";
import type { KeyValueParse } from "./key-values";
import { parseMysqlKeyValue } from "../mysql/key-values";
import { parsePostgresKeyValue } from "../postgres/key-values";
import { affinityOf, parseSqliteKeyValue } from "../sqlite/key-values";

const value = (r: KeyValueParse) => (r.ok ? r.value : null);
const expected = (r: KeyValueParse) => (r.ok ? null : r.expected);

describe("PostgreSQL key values", () => {
  it.each([
    ["bigint", "3047", "3047"],
    ["bigint", "03047", "3047"],
    ["bigint", "+3047", "3047"],
    ["bigint", " 3047 ", "3047"],
    ["bigint", "-0", "0"],
    ["bigint", "9223372036854775807", "9223372036854775807"],
    ["integer", "-2147483648", "-2147483648"],
    ["smallint", "00012", "12"],
    ["numeric", "3047.50", "3047.5"],
    ["numeric", "+003047.000", "3047"],
    ["numeric", "1e3", "1000"],
    ["numeric", "-0.0", "0"],
    ["numeric(10,2)", "12.30", "12.3"],
    ["double precision", "3047.0", "3047"],
    ["real", "1.5e2", "150"],
    ["uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"],
    ["uuid", "{a0eebc999c0b4ef8bb6d6bb9bd380a11}", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"],
    ["text", " Mixed Case ", " Mixed Case "],
    ["character varying(5)", "abcde", "abcde"],
    ["character(4)", "ab  ", "ab"],
    ["date", "2024-02-29", "2024-02-29"],
    ["timestamp without time zone", "2024-01-02T03:04:05.120", "2024-01-02 03:04:05.12"],
    ["timestamp(3) with time zone", "2024-01-02 10:00:00+02:00", "2024-01-02 08:00:00Z"],
    ["timestamp with time zone", "2024-01-02 08:00:00Z", "2024-01-02 08:00:00Z"],
    ["boolean", "YES", "true"],
    ["bytea", "\\xdead", "\\xdead"],
  ])("%s reads %j as %j", (type, text, canonical) => {
    expect(value(parsePostgresKeyValue(type, text))).toBe(canonical);
  });

  it.each([
    ["bigint", "3O47"],
    ["bigint", "3047.0"],
    ["bigint", "abc"],
    ["bigint", "3047; DROP TABLE users"],
    ["bigint", "1 OR 1=1"],
    ["bigint", ""],
    ["bigint", "9223372036854775808"],
    ["integer", "2147483648"],
    ["smallint", "40000"],
    ["numeric", "3O47"],
    ["numeric", "."],
    ["numeric(10,2)", "1.234"],
    ["numeric(4,2)", "123"],
    ["real", "NaN-ish"],
    ["uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"],
    ["uuid", "3047"],
    ["character varying(5)", "abcdef"],
    ["date", "2023-02-29"],
    ["date", "yesterday"],
    ["timestamp without time zone", "2024-01-02 10:00:00+02:00"],
    ["timestamp with time zone", "2024-01-02 25:00:00"],
    ["boolean", "maybe"],
  ])("%s refuses %j, naming the type", (type, text) => {
    expect(expected(parsePostgresKeyValue(type, text))).toBe(type);
  });

  it("says why an integer is refused when it is one but too large", () => {
    expect(parsePostgresKeyValue("smallint", "40000")).toEqual({ ok: false, expected: "smallint", detail: "out of its range" });
  });
});

describe("MySQL and MariaDB key values", () => {
  it.each([
    ["bigint(20) unsigned", "+03047", "3047"],
    ["bigint unsigned", "18446744073709551615", "18446744073709551615"],
    ["int(11)", "-12", "-12"],
    ["tinyint(1)", "1", "1"],
    ["decimal(10,2)", "3047.10", "3047.1"],
    ["double", "3047.0", "3047"],
    ["varchar(36)", "Abc", "Abc"],
    ["uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"],
    ["datetime(3)", "2024-01-02T03:04:05", "2024-01-02 03:04:05"],
    ["date", "2024-01-02", "2024-01-02"],
    ["enum('gold','silver')", "GOLD", "gold"],
    ["binary(16)", "anything", "anything"],
  ])("%s reads %j as %j", (type, text, canonical) => {
    expect(value(parseMysqlKeyValue(type, text))).toBe(canonical);
  });

  it.each([
    ["bigint(20)", "3O47"],
    ["bigint(20)", "3047.0"],
    ["int", "abc"],
    ["bigint unsigned", "-1"],
    ["tinyint", "300"],
    ["decimal(10,0)", "1.5"],
    ["varchar(3)", "abcd"],
    ["date", "2024-13-01"],
    ["enum('gold','silver')", "bronze"],
  ])("%s refuses %j, naming the type", (type, text) => {
    expect(expected(parseMysqlKeyValue(type, text))).toBe(type);
  });
});

describe("SQLite key values, by declared type affinity", () => {
  it.each([
    ["INTEGER", "INTEGER"],
    ["BIGINT", "INTEGER"],
    ["UNSIGNED BIG INT", "INTEGER"],
    ["VARCHAR(36)", "TEXT"],
    ["CLOB", "TEXT"],
    ["", "BLOB"],
    ["BLOB", "BLOB"],
    ["DOUBLE PRECISION", "REAL"],
    ["FLOAT", "REAL"],
    ["DECIMAL(10,5)", "NUMERIC"],
    ["DATETIME", "NUMERIC"],
    ["UUID", "NUMERIC"],
    ["CHARINT", "INTEGER"],
  ])("%s has %s affinity", (type, affinity) => {
    expect(affinityOf(type)).toBe(affinity);
  });

  it.each([
    ["INTEGER", "03047", "3047"],
    ["INTEGER", "+3047", "3047"],
    ["INTEGER", "3047.0", "3047"],
    ["INTEGER", " 3047 ", "3047"],
    ["INTEGER", "1e3", "1000"],
    ["INTEGER", "-9223372036854775808", "-9223372036854775808"],
    ["REAL", "3047", "3047"],
    ["REAL", "0.50", "0.5"],
    ["NUMERIC", "3047.0", "3047"],
    ["NUMERIC", "2024-01-02", "2024-01-02"],
    ["NUMERIC", "3O47", "3O47"],
    ["TEXT", "03047", "03047"],
    ["", "3O47", "3O47"],
  ])("%s reads %j as %j", (type, text, canonical) => {
    expect(value(parseSqliteKeyValue(type, text))).toBe(canonical);
  });

  it.each([
    ["INTEGER", "3O47"],
    ["INTEGER", "abc"],
    ["INTEGER", "3047.5"],
    ["INTEGER", "9223372036854775808"],
    ["INTEGER", ""],
    ["BIGINT", "1; DROP TABLE x"],
    ["REAL", "abc"],
  ])("%s refuses %j, naming the declared type", (type, text) => {
    expect(expected(parseSqliteKeyValue(type, text))).toBe(type);
  });
});
