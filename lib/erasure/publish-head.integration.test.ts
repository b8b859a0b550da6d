import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { recordEvidence, verifyChain } from "./evidence";
import { verifyAndPublishHead } from "./publish-head";
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

describe("publishing the evidence head after a bulk verification", () => {
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

  it("posts the head that verify-evidence would print to the alert webhook, and nothing without one", async () => {
    await recordEvidence(store, verification, { requestId: null, verifiedBy: "system", configHash: "c" });
    await recordEvidence(store, verification, { requestId: null, verifiedBy: "system", configHash: "c" });
    const lines: string[] = [];
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const report = await verifyAndPublishHead(store, { alerts: { orphans: 1, growthPerDay: 1, webhook: url } } as Config, (l) => lines.push(l));
    expect(report).toEqual(await verifyChain(store));
    expect(received).toEqual([
      expect.objectContaining({ event: "evidence_chain", holds: true, records: 2, head: report!.head, publicKeyFingerprint: keyFingerprint(evidenceKey(env).publicKey) }),
    ]);
    expect(lines).toEqual([]);
    expect(await verifyAndPublishHead(store, { alerts: { orphans: 1, growthPerDay: 1 } } as Config, (l) => lines.push(l))).toBeNull();
    expect(received).toHaveLength(1);
  });
});
