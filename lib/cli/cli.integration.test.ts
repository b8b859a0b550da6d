import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemo, DEMO_CONFIG } from "../demo/build";
import { DEMO_EXPECTED_ORPHANS } from "../../test/demo-expected";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/custodian.mjs");

describe("custodian CLI contract", { timeout: 900_000 }, () => {
  let dir: string;
  let config: string;
  const cliEnv = () => ({ ...process.env, CUSTODIAN_DATA_DIR: path.join(dir, "state"), CUSTODIAN_CONFIG: "", CUSTODIAN_URL: "" });
  const runIn = (cwd: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: cliEnv() });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const run = (...args: string[]) => runIn(dir, ...args);

  beforeAll(async () => {
    // What `npm ci` ships (postinstall): the tests run the built CLI, not the TypeScript sources.
    execFileSync(process.execPath, [path.join(root, "scripts/build-cli.mjs"), "--if-stale"], { stdio: "ignore" });
    dir = mkdtempSync(path.join(tmpdir(), "custodian-cli-"));
    config = path.join(dir, "custodian.config.yaml");
    cpSync(DEMO_CONFIG, config);
    await buildDemo({ dir: path.join(dir, "data") });
    // a loaded machine builds the demo slowly; the per-test limit is the describe's
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("scan --json prints exactly one document with every relation, and exits 0", () => {
    const r = run("scan", "--config", config, "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout); // throws if anything else reached stdout
    expect(Object.keys(doc)).toEqual(["scannedAt", "relations"]);
    expect(new Date(doc.scannedAt).toISOString()).toBe(doc.scannedAt);
    const counts = Object.fromEntries(doc.relations.map((x: { name: string; orphans: number }) => [x.name, x.orphans]));
    expect(counts).toEqual(DEMO_EXPECTED_ORPHANS);
    const one = doc.relations.find((x: { name: string }) => x.name === "activity_profile");
    expect(Object.keys(one)).toEqual(["name", "origin", "child", "parent", "orphans", "childRows", "durationMs"]);
    expect(one.origin).toBe("configured");
    expect(one.child).toEqual({ target: "activity", schema: "main", table: "customer_activity", columns: ["profile_id"] });
    expect(one.parent).toEqual({ target: "shop", schema: "public", table: "users", columns: ["id"] });
    expect(doc.relations.find((x: { name: string }) => x.name === "shop.comments.user_id").origin).toBe("declared");
    expect(r.stderr).toMatch(/\[1\/17\]/); // progress went to stderr
  });

  it("scan --relation scans only the named relations", () => {
    const r = run("scan", "--config", config, "--json", "--relation", "feedback_profile", "--relation", "shop.orders.user_id");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).relations.map((x: { name: string; orphans: number }) => [x.name, x.orphans])).toEqual([
      ["feedback_profile", 14],
      ["shop.orders.user_id", 5],
    ]);
  });

  it("a one-off command leaves its WebAssembly unoptimised: V8 compiles no PGlite function with TurboFan", () => {
    // V8 prints each wasm function it compiles, and with which compiler, on stdout
    const r = spawnSync(process.execPath, ["--trace-wasm-compilation-times", bin, "scan", "--config", config, "--relation", "feedback_profile"], {
      cwd: dir,
      encoding: "utf8",
      env: cliEnv(),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/using Liftoff/); // the trace is there: the store and the shop ran their statements
    expect(r.stdout.split("\n").filter((l) => /using TurboFan/.test(l))).toEqual([]);
  });

  it("exits 1 when a relation cannot be scanned, still printing the document with its error", () => {
    const broken = path.join(dir, "broken.yaml");
    writeFileSync(
      broken,
      `targets:
  activity: { dialect: sqlite, url: "file:./data/activity.db" }
  missing:  { dialect: sqlite, url: "file:./data/missing.db" }
relations:
  - name: fine
    child:  { target: activity, table: customer_email_links, columns: [profile_id] }
    parent: { target: activity, table: customer_activity, columns: [profile_id] }
  - name: broken
    child:  { target: missing, table: t, columns: [a] }
    parent: { target: activity, table: customer_activity, columns: [id] }
`,
    );
    const r = run("scan", "--config", broken, "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const failed = doc.relations.find((x: { name: string }) => x.name === "broken");
    expect(failed.orphans).toBeNull();
    expect(failed.errorKind).toBe("unreachable");
    expect(failed.error).toMatch(/missing\.db/);
    expect(doc.relations.find((x: { name: string }) => x.name === "fine").error).toBeUndefined();
  });

  it("exits 2 with a one-line reason on bad config or bad usage", () => {
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "targets:\n  a: { dialect: sqlite, url: 'file:a.db', colour: blue }\n");
    const cfg = run("scan", "--config", bad, "--json");
    expect(cfg.code).toBe(2);
    expect(cfg.stderr.trim().split("\n")).toHaveLength(1);
    expect(cfg.stderr).toMatch(/bad\.yaml:2: targets\.a: unknown key "colour"/);
    expect(JSON.parse(cfg.stdout)).toMatchObject({ error: expect.stringMatching(/unknown key "colour"/), kind: "usage" });

    expect(run("scan", "--config", config, "--relation", "nope").code).toBe(2);
    const none = run("--json");
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout).error).toMatch(/no command/);
    const help = run("--help", "--json");
    expect(help.code).toBe(0);
    expect(JSON.parse(help.stdout).usage).toMatch(/^usage: custodian/);
    expect(run("frobnicate").code).toBe(2);
    expect(run("scan", "--bogus").code).toBe(2);
    expect(run("discover", "--force", "--config", config).code).toBe(2);
  });

  it("discover --json lists relations and suggestions", () => {
    const r = run("discover", "--config", config, "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.relations).toHaveLength(Object.keys(DEMO_EXPECTED_ORPHANS).length);
    expect(doc.suggestions.some((s: { child: { table: string } }) => s.child.table === "customer_sessions")).toBe(true);
  });

  it("cleanup --execute of a job that must wait for approval exits 3 and prints the job's URL, changing nothing", () => {
    const gated = path.join(dir, "gated.yaml");
    writeFileSync(gated, `${readFileSync(config, "utf8")}\ncleanup: { approvalThreshold: 3 }\n`);
    const r = run("cleanup", "--config", gated, "--relation", "summary_symbol", "--execute", "--json");
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("awaiting_approval");
    // no CUSTODIAN_URL: the job page's path (custodian job ID approve is printed too)
    expect(doc.url).toMatch(/^\/jobs\/[0-9a-f-]{36}$/);
    expect(doc.url.endsWith(doc.jobId)).toBe(true);
    expect(doc.deleted).toBe(0);
    expect(r.stderr).toContain(doc.url);
    // asked again while it waits: refused with the same job, exit 1
    const again = run("cleanup", "--config", gated, "--relation", "summary_symbol", "--execute");
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(doc.jobId);
    const scan = run("scan", "--config", gated, "--relation", "summary_symbol", "--json");
    expect(JSON.parse(scan.stdout).relations[0].orphans).toBe(DEMO_EXPECTED_ORPHANS.summary_symbol);
  });

  it("--version and each command's --help answer from the built CLI, which loads no command for them", () => {
    const version = run("--version");
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(`custodian ${JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version}`);
    expect(JSON.parse(run("--version", "--json").stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const help = run("cleanup", "--help");
    expect(help.code).toBe(0);
    expect(help.stderr).toMatch(/^usage: custodian cleanup --relation NAME/);
    for (const option of ["--relation NAME", "--execute", "--as EMAIL", "--batch-size N", "--config FILE", "--json"]) expect(help.stderr).toContain(option);
    expect(help.stderr).toMatch(/examples:\n {2}custodian cleanup --relation/);
    expect(run("verify-evidence", "--help").stderr).toMatch(/--config FILE +--config is optional/);
    // The bundle's entry and what it imports before any command is chosen: only its own small
    // chunks and node: builtins, never a package (zod, prisma, drivers) nor a command's chunk.
    const dist = path.join(root, "dist/cli");
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(path.join(dist, file), "utf8");
      for (const [, spec] of text.matchAll(/^import\s+(?:[^"';]*?\s+from\s+)?"([^"]+)";?$/gms)) {
        if (spec.startsWith("./")) walk(spec.slice(2));
        else expect(spec, `${file} imports ${spec} at start-up`).toMatch(/^node:/);
      }
    };
    walk("main.mjs");
    expect(seen.size).toBeGreaterThan(1);
    expect(seen.size).toBeLessThan(8);
  });

  it("every command takes --config, even those that read none", () => {
    const schema = run("config", "schema", "--config", config);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout).$schema).toMatch(/json-schema\.org/);
    expect(run("verify-evidence", "--config", path.join(dir, "nope.yaml")).stderr).toMatch(/nope\.yaml: file not found/);
  });

  it("without a config, the error says how to run against the demo", () => {
    const empty = path.join(dir, "empty");
    mkdirSync(empty, { recursive: true });
    const r = runIn(empty, "scan");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/no config found: custodian\.config\.yaml is not in .*empty/);
    expect(r.stderr).toContain("--config demo/custodian.config.yaml");
  });
});
