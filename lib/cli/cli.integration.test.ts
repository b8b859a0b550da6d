import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemo, DEMO_CONFIG } from "../demo/build";
import { DEMO_EXPECTED_ORPHANS } from "../../test/demo-expected";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/custodian.mjs");

describe("custodian CLI contract", () => {
  let dir: string;
  let config: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CUSTODIAN_DATA_DIR: path.join(dir, "state"), CUSTODIAN_CONFIG: "" },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-cli-"));
    config = path.join(dir, "custodian.config.yaml");
    cpSync(DEMO_CONFIG, config);
    await buildDemo({ dir: path.join(dir, "data") });
  });
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
    expect(doc.url).toMatch(/^http:\/\/localhost:\d+\/jobs\/[0-9a-f-]{36}$/);
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
});
