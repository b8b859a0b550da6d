import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import selection from "../scripts/node24-selection.json";

// `npm run test:node24` runs the unit tests and these integration files on Node 24 (the whole suite
// would not fit CI's budget). A renamed or dropped file would silently take its part out of that
// run, so each runtime-sensitive part must still be exercised by one of the files listed.
const root = path.resolve(import.meta.dirname, "..");
const files = Object.keys(selection);
const sources = files.filter((f) => existsSync(path.join(root, f))).map((f) => readFileSync(path.join(root, f), "utf8"));

const PARTS: [string, RegExp][] = [
  ["the embedded PGlite store", /embedded store \(PGlite\)/],
  ["better-sqlite3 targets", /"sqlite"/],
  ["pg against the real PostgreSQL", /hasPostgres/],
  ["mysql2 against the real MariaDB", /hasMysql/],
  ["pg-boss started", /startQueue\(/],
  ["the built CLI", /dist\/cli/],
];

describe("the integration files run on Node 24", () => {
  it("are integration test files that exist, each with the reason it was chosen", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file).toMatch(/\.integration\.test\.ts$/);
      expect(existsSync(path.join(root, file)), file).toBe(true);
      expect(selection[file as keyof typeof selection].length).toBeGreaterThan(10);
    }
  });

  it.each(PARTS)("exercise %s", (_part, marker) => {
    expect(sources.some((source) => marker.test(source))).toBe(true);
  });
});
