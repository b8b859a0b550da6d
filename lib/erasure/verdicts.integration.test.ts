/**
 * What qualifies a verdict: coverage gaps nobody reviewed ("complete — 1 column not yet
 * reviewed"), whether Custodian ever had a trace of the key ("never seen by Custodian"
 * versus "erased on … by purge …"), and withdrawn requests, kept and marked.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import { csvLine } from "../csv";
import { resolveRelations } from "../relations/resolve";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { markNotPersonal } from "./coverage";
import { storedTables, verifyChain } from "./evidence";
import { CSV_HEADER, evidenceCsvRows, evidenceScopeSchema } from "./export";
import { evidencePdf } from "./report-pdf";
import { addRequests, erasureCounts, getRequest, listRequests } from "./requests";
import { runVerifications, verifyRequest } from "./run";
import { traceSummary, verdictText } from "./trace";
import { withdrawRequest } from "./withdraw";

const ARTIFACTS = path.resolve(import.meta.dirname, "../../e2e/artifacts/verdicts-unit");
const SESSIONS = { target: "social", schema: "main", table: "customer_sessions", column: "profile_id" };

async function pdfText(doc: PDFKit.PDFDocument, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of doc) chunks.push(c as Buffer);
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(file, Buffer.concat(chunks));
  execFileSync("pdftoppm", ["-png", "-r", "60", file, path.join(ARTIFACTS, name)]);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

async function csv(store: Store, scope: Record<string, string>): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for await (const r of evidenceCsvRows(store, evidenceScopeSchema.parse(scope), new Map())) {
    const cells = csvLine(r).trimEnd();
    // a quoted cell may hold commas: split on commas outside quotes
    const fields = cells.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"'));
    rows.push(Object.fromEntries(CSV_HEADER.map((h, i) => [h, fields[i]])));
  }
  return rows;
}

describe("erasure verdicts say what they did not check and what Custodian knew", () => {
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let store: Store;
  let dispose: () => Promise<void>;
  const day = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    demo = await privateDemo();
    ({ store, dispose } = await STORE_KINDS[0].open());
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });
  const file = async (key: string) =>
    (await addRequests(store, demo.config, { subject: "user", keys: [[key]], source: "manual", requestedBy: "dpo-1" })).ids[0];
  const verify = async (id: string) => verifyRequest(store, demo.config, (await getRequest(store, id))!, "dpo-1");

  it("a complete verdict carries the unreviewed coverage gaps of its table, in the evidence, the CSV and the PDF", async () => {
    const id = await file("999999");
    const { verification, evidence } = await verify(id);
    expect(verification.verdict).toBe("complete");
    expect(verification.unreviewed).toEqual([SESSIONS]);
    expect(storedTables(evidence)).toMatchObject({ unreviewedColumns: 1, unreviewed: [SESSIONS] });
    expect(verdictText(verification, { unreviewedColumns: 1 })).toBe("complete — 1 column not yet reviewed");

    const [row] = await csv(store, { request: id });
    expect(row).toMatchObject({ verdict: "complete", unreviewed_columns: "1", verdict_text: "complete — 1 column not yet reviewed, never seen by Custodian" });

    const text = await pdfText(
      evidencePdf(store, evidenceScopeSchema.parse({ request: id }), {
        scopeLabel: "subject shop.users:999999",
        generatedBy: "dpo",
        generatedAt: new Date(),
        chain: await verifyChain(store),
        names: new Map(),
      }),
      "unreviewed",
    );
    expect(text).toMatch(/COMPLETE — 1 column not yet reviewed/);
    expect(text).toContain("social.main.customer_sessions.profile_id");
    // the report never says that every place was checked
    expect(text).not.toMatch(/walked every relation that reaches/);

    // reviewed: the gap no longer qualifies the next verdict
    await markNotPersonal(store, SESSIONS, "device hashes only", "dpo-1");
    const again = await verify(id);
    expect(again.verification.unreviewed).toEqual([]);
    expect(storedTables(again.evidence).unreviewedColumns).toBe(0);
    expect((await csv(store, { request: id })).find((r) => r.evidence_id === again.evidence.id.toString())).toMatchObject({
      unreviewed_columns: "0",
      verdict_text: "complete, never seen by Custodian",
    });
  });

  it("tells a key Custodian never saw from one a purge erased, one sweeps saw orphaned and one whose rows an earlier verification found", async () => {
    const never = await verify(await file("999998"));
    expect(traceSummary(never.verification.trace!)).toBe("never seen by Custodian");

    // a purge's completed deletion request of this subject, as the purge records it
    const erased = await file("999997");
    const finishedAt = new Date("2026-11-30T02:00:00Z");
    const jobId = "5c1e0000-0000-4000-8000-000000000001";
    await store.prisma.purgeJob.create({ data: { id: jobId, table: "shop.public.users", status: "completed", trigger: "manual", requestedBy: "ops-1" } });
    await store.prisma.deletionRequest.create({
      data: { token: "t-999997", table: "shop.public.users", key: '["999997"]', status: "completed", jobId, requestedBy: "ops-1", finishedAt },
    });
    const afterPurge = await verify(erased);
    expect(afterPurge.verification.verdict).toBe("complete");
    expect(traceSummary(afterPurge.verification.trace!)).toBe(`erased on 2026-11-30 by purge ${jobId}`);
    expect(storedTables(afterPurge.evidence).trace).toMatchObject({ deletions: [{ jobId, status: "completed" }] });

    // a sweep saw rows pointing at 999996 with no parent
    const pool = new TargetPool(demo.config.targets);
    const relation = (await resolveRelations(demo.config, pool)).relations.find(
      (r) => r.parent.table === "users" && r.parent.target === "shop" && r.child.table === "comments",
    )!;
    await pool.close();
    await store.prisma.orphanSighting.create({
      data: {
        relation: relation.name,
        key: '["999996"]',
        firstSeen: new Date("2026-11-01T00:00:00Z"),
        lastSeen: new Date("2026-11-03T00:00:00Z"),
        open: false,
      },
    });
    const sighted = await verify(await file("999996"));
    expect(traceSummary(sighted.verification.trace!)).toBe(`orphaned references seen by sweeps from 2026-11-01 to 2026-11-03 (${relation.name})`);

    // 12345 has rows left; once it is verified, a later verification knows it was seen
    const residue = await file("12345");
    const first = await verify(residue);
    expect(first.verification.verdict).toBe("incomplete");
    expect(traceSummary(first.verification.trace!)).toBe("never seen by Custodian");
    const second = await verify(residue);
    expect(traceSummary(second.verification.trace!)).toBe(`rows found by verification #${first.evidence.id} on ${day}`);

    const rows = await csv(store, { from: day, to: day });
    expect(rows.find((r) => r.subject === "shop.users:999997")!.verdict_text).toBe(`complete, erased on 2026-11-30 by purge ${jobId}`);
    const text = await pdfText(
      evidencePdf(store, evidenceScopeSchema.parse({ from: day, to: day }), {
        scopeLabel: day,
        generatedBy: "dpo",
        generatedAt: new Date(),
        chain: await verifyChain(store),
        names: new Map(),
      }),
      "trace",
    );
    expect(text).toContain("never seen by Custodian");
    expect(text).toContain(`erased on 2026-11-30 by purge ${jobId}`);
  });

  it("withdraws a mistaken request: an append-only record; the request and its evidence stay, out of the open lists and runs, marked in exports", async () => {
    const id = await file("42");
    const { evidence } = await verify(id);
    const before = await getRequest(store, id);
    const open = (await listRequests(store)).total;
    const counts = await erasureCounts(store);

    await expect(withdrawRequest(store, id, "filed for the wrong customer", "dpo-1")).resolves.toMatchObject({ requestId: id, withdrawnBy: "dpo-1" });
    await expect(withdrawRequest(store, id, "again", "dpo-1")).rejects.toThrow(/already withdrawn on \d{4}-\d{2}-\d{2}/);
    expect(await getRequest(store, id)).toEqual(before); // the request is not changed
    expect((await listRequests(store)).total).toBe(open - 1);
    expect((await listRequests(store)).rows.map((r) => r.id)).not.toContain(id);
    expect((await listRequests(store, { withdrawn: true })).rows.map((r) => r.id)).toEqual([id]);
    expect(await erasureCounts(store)).toEqual({ ...counts, [before!.state]: counts[before!.state as keyof typeof counts] - 1 });
    await expect(verify(id)).rejects.toThrow(/withdrawn on .*filed for the wrong customer/);

    // the store refuses to change or remove a withdrawal
    await expect(store.prisma.$executeRawUnsafe(`UPDATE erasure_withdrawals SET reason = 'x'`)).rejects.toThrow(/append-only/);
    await expect(store.prisma.$executeRawUnsafe(`DELETE FROM erasure_withdrawals`)).rejects.toThrow(/append-only/);

    // a bulk run leaves it out
    const run = await store.prisma.erasureRun.create({ data: { trigger: "manual", status: "running" } });
    await runVerifications(store, demo.config, run.id, "dpo-1");
    const done = await store.prisma.erasureRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done.total).toBe(open - 1);
    expect(await store.prisma.erasureEvidence.count({ where: { requestId: id } })).toBe(1);

    // exports keep its evidence, marked
    const [row] = await csv(store, { request: id });
    expect(row).toMatchObject({ evidence_id: evidence.id.toString(), withdrawn_by: "dpo-1", withdrawal_reason: "filed for the wrong customer" });
    expect(row.withdrawn_at).toMatch(/^\d{4}-\d{2}-\d{2}/);
    const text = await pdfText(
      evidencePdf(store, evidenceScopeSchema.parse({ request: id }), {
        scopeLabel: "subject shop.users:42",
        generatedBy: "dpo",
        generatedAt: new Date(),
        chain: await verifyChain(store),
        names: new Map(),
      }),
      "withdrawn",
    );
    expect(text).toMatch(/WITHDRAWN on \d{4}-\d{2}-\d{2} by dpo-1: filed for the wrong customer/);
  });
});
