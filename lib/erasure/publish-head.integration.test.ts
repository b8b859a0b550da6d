import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import { verifyAuditChain } from "../audit/chain";
import { recordAudit } from "../audit/record";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { recordEvidence, verifyChain } from "./evidence";
import { verifyAndPublishHead } from "./publish-head";
import { addRequests, getRequest } from "./requests";
import { verifyRequest } from "./run";
import { evidenceKey, keyFingerprint } from "./signing";
import type { Verification } from "./verify";

const verification: Verification = {
  subject: { name: "customer", target: "shop", schema: "public", table: "users", keyColumns: ["id"], key: ["7"] },
  verdict: "complete",
  tables: [],
  residualRows: 0,
  failures: [],
  cycles: [],
};

describe("publishing the evidence and audit heads after verifications", () => {
  let store: Store;
  let env: Record<string, string>;
  let dispose: () => Promise<void>;
  const received: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.end("ok");
    });
  });
  beforeAll(async () => {
    ({ store, env, dispose } = await STORE_KINDS[0].open());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    server.close();
    await dispose?.();
  });

  it("posts the heads that verify-evidence and verify-audit would print to the alert webhook, and nothing without one", async () => {
    await recordAudit(store, { actorId: "system", actorRoles: [], action: "test.event", result: "ok", requestId: "r1" });
    await recordEvidence(store, verification, { requestId: null, verifiedBy: "system", configHash: "c" });
    await recordEvidence(store, verification, { requestId: null, verifiedBy: "system", configHash: "c" });
    const lines: string[] = [];
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const report = await verifyAndPublishHead(store, { alerts: { orphans: 1, growthPerDay: 1, webhook: url } } as Config, (l) => lines.push(l));
    expect(report).toEqual(await verifyChain(store));
    const audit = await verifyAuditChain(store);
    expect(audit).toMatchObject({ ok: true, records: 1 });
    expect(received).toEqual([
      expect.objectContaining({
        event: "evidence_chain",
        holds: true,
        records: 2,
        head: report!.head,
        publicKeyFingerprint: keyFingerprint(evidenceKey(env).publicKey),
      }),
      expect.objectContaining({ event: "audit_chain", holds: true, records: 1, head: audit.head }),
    ]);
    expect(lines).toEqual([]);
    expect(await verifyAndPublishHead(store, { alerts: { orphans: 1, growthPerDay: 1 } } as Config, (l) => lines.push(l))).toBeNull();
    expect(received).toHaveLength(2);
  });

  it("posts the new evidence head and the audit head after a single verification (the page's Verify, verify-erasure)", async () => {
    const demo = await privateDemo();
    try {
      received.length = 0;
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const config = { ...demo.config, alerts: { ...demo.config.alerts, webhook: url } };
      const { ids } = await addRequests(store, config, { subject: "user", keys: [["3047"]], source: "manual", requestedBy: "dpo-1" });
      await recordAudit(store, { actorId: "dpo-1", actorRoles: ["dpo"], action: "erasure.verify", result: "started", requestId: "r2" });
      const { evidence } = await verifyRequest(store, config, (await getRequest(store, ids[0]))!, "dpo-1");
      const audit = await verifyAuditChain(store);
      expect(received).toEqual([
        expect.objectContaining({
          event: "evidence_head",
          evidenceId: Number(evidence.id),
          head: evidence.hash,
          publicKeyFingerprint: keyFingerprint(evidenceKey(env).publicKey),
          auditHead: audit.head,
        }),
      ]);
      // the published head is the chain's head, as verify-evidence --expect-head will find it
      expect(await verifyChain(store, { expectHead: evidence.hash })).toMatchObject({ ok: true, head: evidence.hash });
      // without a webhook, nothing
      await verifyRequest(store, demo.config, (await getRequest(store, ids[0]))!, "dpo-1");
      expect(received).toHaveLength(1);
    } finally {
      demo.dispose();
    }
  });
});
