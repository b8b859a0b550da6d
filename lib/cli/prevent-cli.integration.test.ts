import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CODEGRAPH_SQL } from "../demo/sqlite.sql";
import { openStore, type Store } from "../store/client";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/custodian.mjs");

/** The demo's code graph with its orphans cleaned: every declared relation is ready. */
function cleanCodeGraph(file: string) {
  const db = new Database(file);
  db.pragma("foreign_keys = OFF");
  db.exec(CODEGRAPH_SQL);
  db.exec(`DELETE FROM edges WHERE from_fqn NOT IN (SELECT fqn FROM symbols) OR to_fqn NOT IN (SELECT fqn FROM symbols);
DELETE FROM entry_points WHERE symbol_fqn NOT IN (SELECT fqn FROM symbols);
DELETE FROM summaries WHERE target_fqn NOT IN (SELECT fqn FROM symbols);`);
  db.close();
}

const foreignKeys = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT m.name AS tbl, f."from" AS col, f.on_delete FROM sqlite_schema m, pragma_foreign_key_list(m.name) f ORDER BY 1, 2`).all();
  } finally {
    db.close();
  }
};

describe("custodian prevent", { timeout: 300_000 }, () => {
  let dir: string;
  const configFor = (file: string, extra = "") => {
    const config = path.join(dir, `${path.basename(file)}.yaml`);
    writeFileSync(
      config,
      `targets:
  codegraph: { dialect: sqlite, url: "file:${file}" }
relations:
  - name: summary_symbol
    child:  { target: codegraph, table: summaries, columns: [target_fqn] }
    parent: { target: codegraph, table: symbols, columns: [fqn] }
${extra}`,
    );
    return config;
  };
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CUSTODIAN_DATA_DIR: path.join(dir, "state"), CUSTODIAN_CONFIG: "", CUSTODIAN_URL: "" },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  /** The embedded store is one process's at a time: opened between CLI runs, closed before the next. */
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore({ env: { ...process.env, CUSTODIAN_DATA_DIR: path.join(dir, "state") }, purpose: "prevent CLI test" });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  beforeAll(() => {
    execFileSync(process.execPath, [path.join(root, "scripts/build-cli.mjs"), "--if-stale"], { stdio: "ignore" });
    dir = mkdtempSync(path.join(tmpdir(), "custodian-prevent-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("--json prints the proposals in the issue's shape; --sql-dir writes a migration that works when run by hand", () => {
    const file = path.join(dir, "graph.db");
    cleanCodeGraph(file);
    const r = run("prevent", "--config", configFor(file), "--json", "--sql-dir", path.join(dir, "sql"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.proposals.map((p: { relation: string; status: string }) => [p.relation, p.status])).toEqual([
      ["summary_symbol", "ready"],
      // SQLite lists a table's foreign keys last declared first
      ["codegraph.edges.to_fqn", "ready"],
      ["codegraph.edges.from_fqn", "ready"],
      ["codegraph.entry_points.symbol_fqn", "ready"],
    ]);
    const summary = doc.proposals[0];
    expect(Object.keys(summary)).toEqual([
      "relation",
      "child",
      "parent",
      "status",
      "reason",
      "action",
      "actionReason",
      "orphans",
      "constraint",
      "replaces",
      "statements",
      "impact",
    ]);
    expect(summary.child).toEqual({ target: "codegraph", schema: "main", table: "summaries", columns: ["target_fqn"] });
    expect(summary.action).toBe("CASCADE");
    expect(summary.impact).toMatchObject({ childRows: 400, writesBlocked: "yes", copiesTable: true });
    // one rebuild per table, in order, each file commented
    const files = readdirSync(path.join(dir, "sql"));
    expect(files.map((f) => f.slice(0, 24))).toEqual(["001-rebuild-summaries-wi", "002-rebuild-edges-with-e", "003-rebuild-entry-points"]);
    expect(doc.sqlFiles).toEqual(files.map((f) => path.join(dir, "sql", f)));
    const edgesSql = readFileSync(path.join(dir, "sql", files[1]), "utf8");
    expect(edgesSql).toMatch(/^-- rebuild edges .*\(relations codegraph\.edges\.to_fqn, codegraph\.edges\.from_fqn\)/);
    expect(edgesSql).toContain("-- SQLite enforces foreign keys only on connections that run PRAGMA foreign_keys = ON");
    // the files, run by hand in order, give the same foreign keys as applying from Custodian
    const copy = path.join(dir, "by-hand.db");
    copyFileSync(file, copy);
    const db = new Database(copy);
    for (const f of files) db.exec(readFileSync(path.join(dir, "sql", f), "utf8"));
    db.close();
    expect(foreignKeys(copy)).toEqual([
      { tbl: "edges", col: "from_fqn", on_delete: "CASCADE" },
      { tbl: "edges", col: "to_fqn", on_delete: "CASCADE" },
      { tbl: "entry_points", col: "symbol_fqn", on_delete: "CASCADE" },
      { tbl: "summaries", col: "target_fqn", on_delete: "CASCADE" },
    ]);
  });

  it("--execute asks for a constraint job: exit 3 with its URL while approval is required, changing nothing; a second person's approve runs it", async () => {
    const file = path.join(dir, "apply.db");
    cleanCodeGraph(file);
    const before = foreignKeys(file);
    const config = configFor(file);
    await withStore(async (store) => {
      for (const [id, email, roles] of [
        ["u-ops", "ops@example.com", ["ops"]],
        ["u-ops2", "ops2@example.com", ["ops"]],
        ["u-dpo", "dpo@example.com", ["dpo"]],
      ] as const) {
        await store.prisma.user.create({ data: { id, email, name: id, roles: [...roles], active: true } });
      }
    });
    // the DPO may not ask for DDL
    const dpo = run("prevent", "--config", config, "--relation", "summary_symbol", "--execute", "--as", "dpo@example.com");
    expect(dpo.code).toBe(2);
    expect(dpo.stderr).toContain("prevention.request needs the ops role");

    const waiting = run("prevent", "--config", config, "--relation", "summary_symbol", "--execute", "--json", "--as", "ops@example.com");
    expect(waiting.code).toBe(3);
    const asked = JSON.parse(waiting.stdout);
    expect(asked).toMatchObject({ status: "awaiting_approval", url: `/prevention/jobs/${asked.jobId}` });
    expect(foreignKeys(file)).toEqual(before);
    // a second request for the same relation while the first waits is refused
    const again = run("prevent", "--config", config, "--relation", "summary_symbol", "--execute", "--as", "ops2@example.com");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a constraint job for summary_symbol is already awaiting approval: see /prevention/jobs/${asked.jobId}`);

    // the requester cannot approve their own request
    const self = run("job", asked.jobId, "approve", "--config", config, "--as", "ops@example.com");
    expect(self.code).toBe(1);
    expect(self.stderr).toContain("a second person must approve");
    expect(foreignKeys(file)).toEqual(before);

    const approved = run("job", asked.jobId, "approve", "--config", config, "--json", "--as", "ops2@example.com");
    expect(approved.stderr).toContain("approved by ops2@example.com");
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({
      status: "applied",
      verified: [{ relation: "summary_symbol", exists: true, validated: true, onDelete: "CASCADE" }],
    });
    expect(foreignKeys(file)).toContainEqual({ tbl: "summaries", col: "target_fqn", on_delete: "CASCADE" });
    await withStore(async (store) => {
      const events = await store.prisma.auditEvent.findMany({ where: { action: { startsWith: "prevention." } }, orderBy: { id: "asc" } });
      expect(events.map((e) => [e.action, e.actorId, e.result])).toEqual([
        ["prevention.request", "u-dpo", "denied"],
        ["prevention.request", "u-ops", "started"],
        ["prevention.request", "u-ops", "ok"],
        ["prevention.request", "u-ops2", "started"],
        ["prevention.request", "u-ops2", "failed"],
        ["prevention.approve", "u-ops", "started"],
        ["prevention.approve", "u-ops", "failed"],
        ["prevention.approve", "u-ops2", "started"],
        ["prevention.approve", "u-ops2", "ok"],
        ["prevention.finish", "system", "ok"],
      ]);
    });
  });

  it("--execute runs the job here when the config waives approval", () => {
    const file = path.join(dir, "waived.db");
    cleanCodeGraph(file);
    const applied = run(
      "prevent",
      "--config",
      configFor(file, "prevention: { requireApproval: false }"),
      "--relation",
      "summary_symbol",
      "--execute",
      "--json",
    );
    expect(applied.code).toBe(0);
    const doc = JSON.parse(applied.stdout);
    expect(doc).toMatchObject({ status: "applied", verified: [{ relation: "summary_symbol", exists: true, validated: true, onDelete: "CASCADE" }] });
    expect(applied.stderr).toContain("step 1 of 1: rebuild summaries");
    expect(foreignKeys(file)).toContainEqual({ tbl: "summaries", col: "target_fqn", on_delete: "CASCADE" });
  });

  it("an unknown relation is a usage error (exit 2)", () => {
    const file = path.join(dir, "graph.db");
    const r = run("prevent", "--config", configFor(file), "--relation", "nope");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown relation "nope"');
  });
});
