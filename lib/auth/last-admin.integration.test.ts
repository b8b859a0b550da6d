import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { createAuth, type Auth } from "./auth";
import { activeAdminCount, createPasswordUser, setActive, setRoles } from "./users";

const PASSWORD = "correct horse battery staple";

describe.each(STORE_KINDS)("the last active admin on the $name store", (kind) => {
  let store: Store;
  let auth: Auth;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    if (!kind.available) return;
    let env: Record<string, string>;
    ({ store, env, dispose } = await kind.open());
    auth = createAuth(store, { ...env, CUSTODIAN_URL: "http://localhost:3999" });
  });
  afterAll(async () => dispose?.());

  /** Two admins, and no other active admin. */
  async function twoAdmins(round: string) {
    const a = await createPasswordUser(auth, store, { email: `a${round}@example.com`, name: "A", password: PASSWORD, roles: ["admin"] });
    const b = await createPasswordUser(auth, store, { email: `b${round}@example.com`, name: "B", password: PASSWORD, roles: ["admin"] });
    for (const other of await store.prisma.user.findMany({ where: { active: true, roles: { has: "admin" }, id: { notIn: [a.id, b.id] } } })) {
      await setActive(auth, store, other.id, false, a.id);
    }
    expect(await activeAdminCount(store)).toBe(2);
    return [a.id, b.id] as const;
  }

  it.runIf(kind.available)("two admins deactivating each other at the same moment: one is refused", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await twoAdmins(`race${round}`);
      const results = await Promise.allSettled([setActive(auth, store, a, false, b), setActive(auth, store, b, false, a)]);
      expect(
        results.filter((r) => r.status === "fulfilled"),
        `round ${round}`,
      ).toHaveLength(1);
      expect(String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason)).toMatch(/last active admin/);
      expect(await activeAdminCount(store)).toBe(1);
    }
  });

  it.runIf(kind.available)("one admin losing the role while the other is deactivated: one is refused", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await twoAdmins(`roles${round}`);
      const results = await Promise.allSettled([setRoles(store, a, ["ops"]), setActive(auth, store, b, false, a)]);
      expect(
        results.filter((r) => r.status === "fulfilled"),
        `round ${round}`,
      ).toHaveLength(1);
      expect(await activeAdminCount(store)).toBe(1);
    }
  });
});
