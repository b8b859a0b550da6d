import { describe, expect, it } from "vitest";
import { can, PERMISSION_NAMES, PERMISSIONS, ROLES } from "./permissions";

describe("the permission matrix", () => {
  it("lets the DPO read everything and change nothing but erasure evidence", () => {
    const reads = PERMISSION_NAMES.filter((p) => p.endsWith(".read"));
    // the Targets page (database users' privileges, connection settings) is ops' and admin's, as the issue names it
    for (const p of reads.filter((p) => !p.startsWith("restore") && p !== "targets.read")) expect(can(["dpo"], p), p).toBe(true);
    const dpoDoes = PERMISSION_NAMES.filter((p) => !p.endsWith(".read") && can(["dpo"], p));
    expect(dpoDoes.sort()).toEqual(["audit.export", "erasure.verify", "evidence.export", "orphans.export", "orphans.preview"]);
    for (const destructive of ["cleanups.run", "purges.run", "restore.run", "allowlist.manage", "users.manage"] as const) {
      expect(can(["dpo"], destructive)).toBe(false);
    }
  });

  it("gives ops scans, previews, cleanups, purges and schedules, but not users or restore", () => {
    for (const p of ["scans.run", "orphans.preview", "cleanups.run", "purges.run", "schedules.manage", "jobs.approve"] as const) {
      expect(can(["ops"], p), p).toBe(true);
    }
    for (const p of ["users.manage", "settings.manage", "restore.run", "erasure.verify", "audit.read"] as const) {
      expect(can(["ops"], p), p).toBe(false);
    }
  });

  it("gives support restore and nothing else", () => {
    expect(PERMISSION_NAMES.filter((p) => can(["support"], p)).sort()).toEqual(["restore.run", "restore.search"]);
  });

  it("gives admin users, settings and approvals, but no destructive data action", () => {
    for (const p of ["users.manage", "settings.manage", "jobs.approve", "audit.read"] as const) expect(can(["admin"], p)).toBe(true);
    for (const p of ["cleanups.run", "purges.run", "restore.run", "scans.run"] as const) expect(can(["admin"], p)).toBe(false);
  });

  it("grants the union of several roles, and nothing to a user with no role", () => {
    expect(can(["support", "dpo"], "restore.run")).toBe(true);
    expect(can(["support", "dpo"], "audit.read")).toBe(true);
    for (const p of PERMISSION_NAMES) expect(can([], p)).toBe(false);
    expect(can(["root"], "users.manage")).toBe(false);
  });

  it("names only known roles", () => {
    for (const roles of Object.values(PERMISSIONS)) for (const r of roles) expect(ROLES).toContain(r);
  });
});
