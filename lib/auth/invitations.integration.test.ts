import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { createAuth, type Auth } from "./auth";
import { pendingInvitations, revokeInvitation } from "./invitations";
import { issueSetupToken, peekSetupToken, redeemSetupToken } from "./setup-tokens";
import { createPasswordUser, setActive } from "./users";

const PASSWORD = "correct horse battery staple";

describe.each(STORE_KINDS)("invitations on the $name store", (kind) => {
  let store: Store;
  let auth: Auth;
  let dispose: () => Promise<void>;
  let keeper: string;
  beforeAll(async () => {
    if (!kind.available) return;
    let env: Record<string, string>;
    ({ store, env, dispose } = await kind.open());
    auth = createAuth(store, { ...env, CUSTODIAN_URL: "http://localhost:3999" });
    keeper = (await createPasswordUser(auth, store, { email: "keeper@example.com", name: "Keeper", password: PASSWORD, roles: ["admin"] })).id;
  });
  afterAll(async () => dispose?.());

  it.runIf(kind.available)("are listed with who made them, and die when their maker is deactivated", async () => {
    const maker = await createPasswordUser(auth, store, { email: "leaving.admin@example.com", name: "Leaving Admin", password: PASSWORD, roles: ["admin"] });
    const { token, expiresAt } = await issueSetupToken(store, { roles: ["admin"], createdBy: maker.id });
    const listed = await pendingInvitations(store);
    expect(listed.map((i) => [i.maker.name, i.roles, i.expiresAt.toISOString()])).toEqual([["Leaving Admin", ["admin"], expiresAt.toISOString()]]);

    await setActive(auth, store, maker.id, false, keeper);
    expect(await pendingInvitations(store)).toEqual([]);
    expect(await peekSetupToken(store, token)).toBeNull();
    await expect(redeemSetupToken(auth, store, token, { email: "mallory@example.com", name: "M", password: PASSWORD })).rejects.toThrow(/already used or has expired/);
    // reactivating the maker does not revive them
    await setActive(auth, store, maker.id, true, keeper);
    await expect(redeemSetupToken(auth, store, token, { email: "mallory@example.com", name: "M", password: PASSWORD })).rejects.toThrow();
    expect(await store.prisma.user.count({ where: { email: "mallory@example.com" } })).toBe(0);
  });

  it.runIf(kind.available)("are checked against their maker when used, not only when listed", async () => {
    const maker = await createPasswordUser(auth, store, { email: "demoted.admin@example.com", name: "Demoted", password: PASSWORD, roles: ["admin"] });
    const { token } = await issueSetupToken(store, { roles: ["admin"], createdBy: maker.id });
    // the maker loses the right to invite by a path that leaves the link unexpired (an admin taking the role away)
    await store.prisma.user.update({ where: { id: maker.id }, data: { roles: ["ops"] } });
    expect(await peekSetupToken(store, token)).toBeNull();
    await expect(redeemSetupToken(auth, store, token, { email: "mallory2@example.com", name: "M", password: PASSWORD })).rejects.toThrow(/can no longer invite/);
    await store.prisma.user.update({ where: { id: maker.id }, data: { active: false, roles: ["admin"] } });
    await expect(redeemSetupToken(auth, store, token, { email: "mallory2@example.com", name: "M", password: PASSWORD })).rejects.toThrow();
    expect(await store.prisma.user.count({ where: { email: "mallory2@example.com" } })).toBe(0);
  });

  it.runIf(kind.available)("can be revoked: the link stops working at once", async () => {
    const { token } = await issueSetupToken(store, { roles: ["dpo"], createdBy: keeper });
    const [inv] = await pendingInvitations(store);
    expect(inv.maker.id).toBe(keeper);
    await revokeInvitation(store, inv.id);
    expect(await pendingInvitations(store)).toEqual([]);
    expect(await peekSetupToken(store, token)).toBeNull();
    await expect(redeemSetupToken(auth, store, token, { email: "late@example.com", name: "L", password: PASSWORD })).rejects.toThrow(/already used or has expired/);
    await expect(revokeInvitation(store, inv.id)).rejects.toThrow(/already used, has expired or was revoked/);
    // a valid one still works
    const ok = await issueSetupToken(store, { roles: ["dpo"], createdBy: keeper });
    expect((await redeemSetupToken(auth, store, ok.token, { email: "welcome@example.com", name: "W", password: PASSWORD })).roles).toEqual(["dpo"]);
  });
});
