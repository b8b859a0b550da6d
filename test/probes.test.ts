/**
 * The load balancer's probes: /api/health (liveness: public, no details, no store) and
 * /api/ready (503 until startup finished, while stopping, and whenever the store does
 * not answer or lacks a migration this build ships), called as Next calls them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CONFIG } from "../lib/demo/build";
import type { Store } from "../lib/store/client";

const dataDir = mkdtempSync(path.join(tmpdir(), "custodian-probes-"));
process.env.CUSTODIAN_DATA_DIR = dataDir;
process.env.CUSTODIAN_CONFIG = DEMO_CONFIG;
delete process.env.DATABASE_URL;

let store: Store;
let ready: typeof import("../app/api/ready/route");
let readinessMod: typeof import("../lib/server/readiness");
beforeAll(async () => {
  store = await (await import("../lib/store/web")).getStore();
  ready = await import("../app/api/ready/route");
  readinessMod = await import("../lib/server/readiness");
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const answer = async (res: Response) => ({ status: res.status, body: await res.text(), cache: res.headers.get("cache-control") });

describe("GET /api/health", () => {
  it("answers 200 with nothing but ok, to anyone, without reading the store", async () => {
    const { GET } = await import("../app/api/health/route");
    expect(GET.length).toBe(0); // it is not even given the request: no session, no store
    expect(await answer(GET())).toEqual({ status: 200, body: "ok\n", cache: "no-store" });
  });
});

describe("GET /api/ready", () => {
  it("answers 503 until startup finished, 200 after", async () => {
    expect(await answer(await ready.GET())).toEqual({ status: 503, body: "not ready: starting\n", cache: "no-store" });
    readinessMod.setPhase("serving");
    expect(await answer(await ready.GET())).toEqual({ status: 200, body: "ready\n", cache: "no-store" });
  });

  it("answers 503 while a migration this build ships is not applied in the store", async () => {
    const [last] = await store.prisma.$queryRaw<{ id: string; migration_name: string }[]>`
      SELECT id, migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
    await store.prisma.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = ${last.id}`;
    try {
      expect(await answer(await ready.GET())).toMatchObject({ status: 503, body: "not ready: 1 migration pending\n" });
    } finally {
      await store.prisma.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = ${last.id}`;
    }
    expect((await ready.GET()).status).toBe(200);
  });

  // The web process loads its config once (lib/server/config.ts): a file broken after that is not read until a reload.
  it("answers 503 when the config cannot be read, and says only that", async () => {
    const bad = path.join(dataDir, "broken.yaml");
    writeFileSync(bad, "targets: [not: a map\n");
    const { loadConfig } = await import("../lib/config/load");
    const r = await readinessMod.readiness({ phase: "serving", store: async () => store, config: () => loadConfig(bad) });
    expect(r).toEqual({ ready: false, reason: "config invalid" });
  });

  it("answers 503 when the store does not answer, without the error's text (it may name a host)", async () => {
    const { openStore } = await import("../lib/store/client");
    const unreachable = () => openStore({ env: { DATABASE_URL: "postgres://custodian:secret@127.0.0.1:1/none" } });
    const r = await readinessMod.readiness({ phase: "serving", store: unreachable, config: () => ({}) as never });
    expect(r).toEqual({ ready: false, reason: "store unreachable" });
  });

  it("stays 503 once stopping, even if startup finishes late", async () => {
    readinessMod.setPhase("stopping");
    readinessMod.setPhase("serving");
    expect(await answer(await ready.GET())).toMatchObject({ status: 503, body: "not ready: stopping\n" });
  });
});
