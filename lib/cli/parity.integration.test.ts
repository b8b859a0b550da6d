import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemo, DEMO_CONFIG } from "../demo/build";
import { openStore, type Store } from "../store/client";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/custodian.mjs");

/**
 * The CLI's actions for scripts, as the console does them: --as names a Custodian user who
 * must exist, be active and hold a role that may act (else exit 2, audited as denied); the
 * action is audited as that user with source "cli"; approval needs a second person.
 */
describe("CLI actions as a named user", { timeout: 900_000 }, () => {
  let dir: string;
  let gated: string;
  const state = () => path.join(dir, "state");
  const run = (args: string[], extraEnv: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [bin, ...args, "--config", gated], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CUSTODIAN_DATA_DIR: state(), CUSTODIAN_CONFIG: "", CUSTODIAN_URL: "", ...extraEnv },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** The embedded store is one process's at a time: opened between CLI runs, closed before the next. */
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore({ env: { ...process.env, CUSTODIAN_DATA_DIR: state() }, purpose: "parity test" });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const users = {
    ops: { id: "u-ops", email: "ops@example.com", roles: ["ops"], active: true },
    admin: { id: "u-admin", email: "admin@example.com", roles: ["admin"], active: true },
    support: { id: "u-support", email: "support@example.com", roles: ["support"], active: true },
    gone: { id: "u-gone", email: "gone@example.com", roles: ["ops"], active: false },
  };
  let jobId: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(root, "scripts/build-cli.mjs"), "--if-stale"], { stdio: "ignore" });
    dir = mkdtempSync(path.join(tmpdir(), "custodian-cli-as-"));
    cpSync(DEMO_CONFIG, path.join(dir, "custodian.config.yaml"));
    gated = path.join(dir, "gated.yaml");
    // summary_symbol has 6 eligible orphans (grace 0, one allowlisted): over 3, a job waits for approval
    writeFileSync(gated, `${readFileSync(DEMO_CONFIG, "utf8")}\ncleanup: { approvalThreshold: 3 }\n`);
    await buildDemo({ dir: path.join(dir, "data") });
    await withStore(async (store) => {
      for (const u of Object.values(users)) await store.prisma.user.create({ data: { ...u, name: u.email.split("@")[0] } });
    });
    // a loaded machine builds the demo slowly; the per-test limit is the describe's
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses --as for an unknown, a deactivated or an unpermitted user with exit 2, audited as denied, starting nothing", async () => {
    const cleanup = (as: string) => run(["cleanup", "--relation", "summary_symbol", "--execute", "--as", as]);
    const unknown = cleanup("nobody@example.com");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/refused: no Custodian user has the email nobody@example\.com/);
    const gone = cleanup(users.gone.email);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/gone@example\.com is deactivated/);
    const support = cleanup(users.support.email);
    expect(support.code).toBe(2);
    expect(support.stderr).toMatch(/support@example\.com \(support\) may not do this: cleanups\.start needs the ops role/);
    expect(run(["cleanup", "--relation", "summary_symbol", "--execute", "--as", "not-an-email"]).code).toBe(2);
    await withStore(async (store) => {
      expect(await store.prisma.cleanupJob.count()).toBe(0);
      const denied = await store.prisma.auditEvent.findMany({ where: { action: "cleanups.start", result: "denied" }, orderBy: { id: "asc" } });
      expect(denied.map((e) => [e.actorId, e.reason])).toEqual([
        [null, "--as: no such user"],
        [users.gone.id, "--as: user deactivated"],
        [users.support.id, "--as: needs cleanups.run"],
      ]);
      // the trail keeps ids: no email in what was recorded
      expect(JSON.stringify(denied.map((e) => [e.actorId, e.object, e.params, e.reason]))).not.toContain("@example.com");
    });
  });

  it("cleanup --execute --as an ops user waits for approval: exit 3, the job's URL, audited as that user", async () => {
    const r = run(["cleanup", "--relation", "summary_symbol", "--execute", "--as", users.ops.email, "--json"], {
      CUSTODIAN_URL: "https://custodian.example.com/",
    });
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    jobId = doc.jobId;
    expect(doc.url).toBe(`https://custodian.example.com/jobs/${jobId}`);
    expect(r.stderr).toContain(doc.url);
    await withStore(async (store) => {
      expect((await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } })).requestedBy).toBe(users.ops.id);
      const events = await store.prisma.auditEvent.findMany({ where: { action: "cleanups.start", actorId: users.ops.id }, orderBy: { id: "asc" } });
      expect(events.map((e) => e.result)).toEqual(["started", "ok"]);
      expect(events[1].params).toMatchObject({ relation: "summary_symbol", source: "cli" });
      expect(events[1].actorRoles).toEqual(["ops"]);
      expect(events[0].requestId).toBe(events[1].requestId);
    });
  });

  it("jobs --json lists the job with its requester's email", () => {
    const r = run(["jobs", "--json"]);
    expect(r.code).toBe(0);
    const job = JSON.parse(r.stdout).jobs.find((j: { id: string }) => j.id === jobId);
    expect(job).toMatchObject({ kind: "cleanup", of: "summary_symbol", status: "awaiting_approval", requestedBy: users.ops.email, approvedBy: null });
    expect(run(["jobs"]).stdout).toContain(jobId);
  });

  it("job ID approve refuses the requester and a role that may not approve, then a second person approves and the job runs", async () => {
    const self = run(["job", jobId, "approve", "--as", users.ops.email]);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/a second person must approve: you requested this cleanup/);
    const support = run(["job", jobId, "approve", "--as", users.support.email]);
    expect(support.code).toBe(2);
    expect(support.stderr).toMatch(/cleanups\.approve needs the ops or admin role/);
    expect(run(["job", jobId, "approve"]).stderr).toMatch(/--as EMAIL is required/);
    expect(run(["job", "not-a-uuid", "approve", "--as", users.admin.email]).code).toBe(2);
    expect(run(["job", jobId, "frobnicate", "--as", users.admin.email]).code).toBe(2);

    const ok = run(["job", jobId, "approve", "--as", users.admin.email, "--json"]);
    expect(ok.stderr).toMatch(/approved for up to 6 rows by admin@example\.com/);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ jobId, status: "completed", deleted: 6, archived: 6 });
    await withStore(async (store) => {
      expect(await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ approvedBy: users.admin.id, status: "completed" });
      const approve = await store.prisma.auditEvent.findMany({ where: { action: "cleanups.approve" }, orderBy: { id: "asc" } });
      expect(approve.map((e) => [e.actorId, e.result])).toEqual([
        [users.ops.id, "started"],
        [users.ops.id, "failed"],
        [users.support.id, "denied"],
        [users.admin.id, "started"],
        [users.admin.id, "ok"],
      ]);
      expect(approve[4].object).toBe(`job:${jobId}`);
    });
    // a finished job cannot be paused: refused (exit 1), the reason said
    const pause = run(["job", jobId, "pause", "--as", users.ops.email]);
    expect(pause.code).toBe(1);
    expect(pause.stderr).toMatch(/only a queued or running job can be paused \(this one is completed\)/);
  });

  it("allow adds an allowlist entry as the named user; bad input is refused before anything is written", async () => {
    const args = ["allow", "--relation", "summary_symbol", "--key", "com.example.Kept#m", "--reason", "legal hold", "--until", "2099-01-31"];
    expect(run([...args, "--as", users.support.email]).code).toBe(2);
    expect(run([...args.slice(0, -2), "--as", users.ops.email]).stderr).toMatch(/--until: required/);
    expect(run([...args.slice(0, -1), "2000-01-01", "--as", users.ops.email]).stderr).toMatch(/the expiry must be in the future/);
    expect(run(["allow", ...args.slice(1).map((a) => (a === "summary_symbol" ? "no_such_relation" : a)), "--as", users.ops.email]).stderr).toMatch(
      /no relation is named "no_such_relation"/,
    );
    const ok = run([...args, "--as", users.ops.email, "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ relation: "summary_symbol", key: ["com.example.Kept#m"], until: "2099-01-31T23:59:59.000Z" });
    await withStore(async (store) => {
      const entries = await store.prisma.allowlistEntry.findMany();
      expect(entries.map((e) => [e.relation, e.key, e.reason, e.createdBy])).toEqual([
        ["summary_symbol", '["com.example.Kept#m"]', "legal hold", users.ops.id],
      ]);
      const audit = await store.prisma.auditEvent.findMany({ where: { action: "allowlist.add" }, orderBy: { id: "asc" } });
      expect(audit.map((e) => [e.actorId, e.result])).toEqual([
        [users.support.id, "denied"],
        [users.ops.id, "started"],
        [users.ops.id, "ok"],
      ]);
    });
  });
});
