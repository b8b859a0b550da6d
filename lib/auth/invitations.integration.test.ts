import pg from "pg";
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
  let storeEnv: Record<string, string>;
  beforeAll(async () => {
    if (!kind.available) return;
    let env: Record<string, string>;
    ({ store, env, dispose } = await kind.open());
    storeEnv = env;
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
    await expect(redeemSetupToken(auth, store, token, { email: "mallory@example.com", name: "M", password: PASSWORD })).rejects.toThrow(
      /already used or has expired/,
    );
    // reactivating the maker does not revive them
    await setActive(auth, store, maker.id, true, keeper);
    await expect(redeemSetupToken(auth, store, token, { email: "mallory@example.com", name: "M", password: PASSWORD })).rejects.toThrow();
    expect(await store.prisma.user.count({ where: { email: "mallory@example.com" } })).toBe(0);
  });

  it.runIf(kind.available)("are checked against their maker when used, not only when listed", async () => {
    const maker = await createPasswordUser(auth, store, { email: "demoted.admin@example.com", name: "Demoted", password: PASSWORD, roles: ["admin"] });
    const { token } = await issueSetupToken(store, { roles: ["admin"], createdBy: maker.id });
    const listedMakers = async () => (await pendingInvitations(store)).map((i) => i.maker.id);
    expect(await listedMakers()).toContain(maker.id);
    // the maker loses the right to invite by a path that leaves the link unexpired (an admin taking the role away)
    await store.prisma.user.update({ where: { id: maker.id }, data: { roles: ["ops"] } });
    // listed exactly when a redeem would accept it
    expect(await listedMakers()).not.toContain(maker.id);
    expect(await peekSetupToken(store, token)).toBeNull();
    await expect(redeemSetupToken(auth, store, token, { email: "mallory2@example.com", name: "M", password: PASSWORD })).rejects.toThrow(
      /can no longer invite/,
    );
    await store.prisma.user.update({ where: { id: maker.id }, data: { active: false, roles: ["admin"] } });
    await expect(redeemSetupToken(auth, store, token, { email: "mallory2@example.com", name: "M", password: PASSWORD })).rejects.toThrow();
    expect(await store.prisma.user.count({ where: { email: "mallory2@example.com" } })).toBe(0);
  });

  // PGlite has one connection: no second session can hold the maker's row meanwhile.
  it.runIf(kind.available && kind.name === "PostgreSQL")("wait for a deactivation of their maker under way, and are refused once it commits", async () => {
    const maker = await createPasswordUser(auth, store, { email: "racing.admin@example.com", name: "Racing", password: PASSWORD, roles: ["admin"] });
    const { token } = await issueSetupToken(store, { roles: ["admin"], createdBy: maker.id });
    const other = new pg.Client({ connectionString: storeEnv.DATABASE_URL });
    await other.connect();
    try {
      // Another admin deactivating the maker, as setActive does, not yet committed.
      await other.query("BEGIN");
      await other.query("UPDATE users SET active = false WHERE id = $1", [maker.id]);
      const redeem = redeemSetupToken(auth, store, token, { email: "slipped@example.com", name: "S", password: PASSWORD }).then(
        () => "created" as const,
        (err: Error) => err,
      );
      // Either the redeem finishes without waiting (it did not look at the maker under a lock),
      // or it is seen waiting for the maker's row.
      let settled: "created" | Error | undefined;
      void redeem.then((r) => (settled = r));
      while (settled === undefined) {
        const { rows } = await other.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query("UPDATE setup_tokens SET expires_at = now() WHERE created_by = $1 AND used_at IS NULL AND expires_at > now()", [maker.id]);
      await other.query("COMMIT");
      const outcome = await redeem;
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(/can no longer invite/);
      expect(await store.prisma.user.count({ where: { email: "slipped@example.com" } })).toBe(0);
    } finally {
      await other.end();
    }
  });

  it.runIf(kind.available)("can be revoked: the link stops working at once", async () => {
    const { token } = await issueSetupToken(store, { roles: ["dpo"], createdBy: keeper });
    const [inv] = await pendingInvitations(store);
    expect(inv.maker.id).toBe(keeper);
    await revokeInvitation(store, inv.id);
    expect(await pendingInvitations(store)).toEqual([]);
    expect(await peekSetupToken(store, token)).toBeNull();
    await expect(redeemSetupToken(auth, store, token, { email: "late@example.com", name: "L", password: PASSWORD })).rejects.toThrow(
      /already used or has expired/,
    );
    await expect(revokeInvitation(store, inv.id)).rejects.toThrow(/already used, has expired or was revoked/);
    // a valid one still works
    const ok = await issueSetupToken(store, { roles: ["dpo"], createdBy: keeper });
    expect((await redeemSetupToken(auth, store, ok.token, { email: "welcome@example.com", name: "W", password: PASSWORD })).roles).toEqual(["dpo"]);
  });
});
