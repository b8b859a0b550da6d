/**
 * Who may do what: the one place that says it. Each permission lists the roles that hold
 * it; a user with several roles holds the union. Pages, server actions and route
 * handlers name a permission and nothing else (lib/auth/action.ts, lib/auth/guard.ts).
 *
 *   dpo      reads everything, verifies erasure, exports evidence; nothing destructive
 *   ops      scans, previews, cleanups, purges, schedules, constraints (prevention)
 *   support  finds and restores soft-deleted accounts; nothing else
 *   admin    users, roles, settings; approves what needs a second person
 */
export const ROLES = ["admin", "ops", "dpo", "support"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  ops: "Ops",
  dpo: "DPO",
  support: "Support",
};

const A = "admin",
  O = "ops",
  D = "dpo",
  S = "support";

//                         permission            roles that hold it
export const PERMISSIONS = {
  "overview.read": [A, O, D],
  "relations.read": [O, D],
  "orphans.preview": [O, D],
  "orphans.export": [O, D],
  "scans.run": [O],
  "allowlist.manage": [O],
  "cleanups.run": [O],
  "purges.run": [O],
  "prevention.apply": [O],
  "schedules.manage": [O, A],
  "jobs.read": [O, D, A],
  "jobs.approve": [O, A],
  "softdeletes.read": [O, D],
  "restore.search": [S],
  "restore.run": [S],
  "erasure.read": [D, O],
  "erasure.verify": [D],
  "evidence.export": [D],
  "evidence_key.read": [D, A],
  "audit.read": [A, D],
  "audit.export": [A, D],
  "users.read": [A, D],
  "users.manage": [A],
  "settings.read": [A, D],
  "targets.read": [O, A],
  "settings.manage": [A],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function can(roles: readonly string[], permission: Permission): boolean {
  const holders: readonly string[] = PERMISSIONS[permission];
  return roles.some((r) => holders.includes(r));
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
