import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { newEvidenceKey, STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { recordEvidence, verifyChain } from "./evidence";
import { addRequests, getRequest } from "./requests";
import { runVerifications, verifyRequest } from "./run";
import { evidenceKey, keyFingerprint } from "./signing";
import { shownEvidenceKey, storeKeyFingerprint } from "./store-key";
import type { Verification } from "./verify";

const verification: Verification = {
  subject: { name: "customer", target: "shop", schema: "public", table: "users", keyColumns: ["id"], key: ["7"] },
  verdict: "complete",
  tables: [],
  residualRows: 0,
  failures: [],
  cycles: [],
};
const meta = { requestId: null, verifiedBy: "system", configHash: "c" };

/** The same store as seen by another process: same database, its own environment (and so its own key). */
const asProcess = (store: Store, env: Record<string, string | undefined>): Store => ({ ...store, env });

describe.each(STORE_KINDS.filter((k) => k.available))("one evidence key per store on %s", (kind) => {
  let store: Store;
  let env: Record<string, string>;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  beforeAll(async () => {
    ({ store, env, dispose } = await kind.open());
    demo = await privateDemo();
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });

  it("records the first signer's fingerprint; a process with another key is refused by name and stores nothing", async () => {
    const mine = keyFingerprint(evidenceKey(env).publicKey);
    expect(await storeKeyFingerprint(store)).toBeNull();
    await recordEvidence(store, verification, meta);
    expect(await storeKeyFingerprint(store)).toBe(mine);

    const other = asProcess(store, { ...env, CUSTODIAN_EVIDENCE_KEY: newEvidenceKey() });
    const theirs = keyFingerprint(evidenceKey(other.env).publicKey);
    await expect(recordEvidence(other, verification, meta)).rejects.toThrow(
      `this process's evidence key ${theirs} is not the store's ${mine}: set CUSTODIAN_EVIDENCE_KEY to the key that signed the chain`,
    );
    expect(await store.prisma.erasureEvidence.count()).toBe(1);
    // the pages show the key that signs, and why this process cannot
    expect(await shownEvidenceKey(store)).toEqual({ fingerprint: mine, problem: null });
    expect(await shownEvidenceKey(other)).toEqual({ fingerprint: mine, problem: expect.stringMatching(/is not the store's/) });

    // a single verification with the wrong key stops before it walks or stores anything
    const { ids } = await addRequests(store, demo.config, { subject: "user", keys: [["3047"]], source: "manual", requestedBy: "dpo-1" });
    const request = (await getRequest(store, ids[0]))!;
    await expect(verifyRequest(other, demo.config, request, "dpo-1")).rejects.toThrow(/is not the store's/);
    expect(await getRequest(store, ids[0])).toMatchObject({ state: "pending", lastEvidenceId: null });
    expect(await store.prisma.erasureEvidence.count()).toBe(1);

    // a bulk run fails as a whole with the reason, leaving every request as it was
    const run = await store.prisma.erasureRun.create({ data: { trigger: "manual", status: "running", requestedBy: "dpo-1" } });
    await expect(runVerifications(other, demo.config, run.id, "dpo-1")).rejects.toThrow(/is not the store's/);
    expect(await store.prisma.erasureRun.findUnique({ where: { id: run.id } })).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/is not the store's/),
    });
    expect(await getRequest(store, ids[0])).toMatchObject({ state: "pending" });

    // the right key goes on signing, and the chain holds under it
    await verifyRequest(store, demo.config, request, "dpo-1");
    expect(await verifyChain(store)).toMatchObject({ ok: true, records: 2 });
  });

  it.runIf(kind.name === "PostgreSQL")("with a PostgreSQL store and no CUSTODIAN_EVIDENCE_KEY, names the variable and stores nothing", async () => {
    const keyless = asProcess(store, { ...env, CUSTODIAN_EVIDENCE_KEY: undefined });
    const before = await store.prisma.erasureEvidence.count();
    await expect(recordEvidence(keyless, verification, meta)).rejects.toThrow(/^CUSTODIAN_EVIDENCE_KEY is not set: with a PostgreSQL store/);
    const { ids } = await addRequests(store, demo.config, { subject: "user", keys: [["12345"]], source: "manual", requestedBy: "dpo-1" });
    await expect(verifyRequest(keyless, demo.config, (await getRequest(store, ids[0]))!, "dpo-1")).rejects.toThrow(/CUSTODIAN_EVIDENCE_KEY is not set/);
    expect(await getRequest(store, ids[0])).toMatchObject({ state: "pending", lastEvidenceId: null });
    expect(await store.prisma.erasureEvidence.count()).toBe(before);
  });
});
