import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import { csvLine } from "../csv";
import type { Store } from "../store/client";
import { verifyChain } from "./evidence";
import { CSV_HEADER, evidenceCsvRows, evidenceScopeSchema } from "./export";
import { evidencePdf } from "./report-pdf";
import { existingEvidenceKey, keyFingerprint } from "./signing";
import { addRequests, getRequest } from "./requests";
import { verifyRequest } from "./run";

// Rendered pages land here for a person to look at (kept by CI as artifacts).
const ARTIFACTS = path.resolve(import.meta.dirname, "../../e2e/artifacts/report-unit");

async function pdfBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of doc) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("evidence exports", () => {
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let store: Store;
  let dispose: () => Promise<void>;
  let env: Record<string, string>;
  let requestId: string;
  beforeAll(async () => {
    demo = await privateDemo();
    ({ store, env, dispose } = await STORE_KINDS[0].open());
    const { ids } = await addRequests(store, demo.config, { subject: "user", keys: [["3002"], ["12345"], ["42"]], source: "csv", requestedBy: "dpo-1" });
    for (const id of ids) await verifyRequest(store, demo.config, (await getRequest(store, id))!, "dpo-1");
    requestId = (await store.prisma.erasureRequest.findFirstOrThrow({ where: { keyText: '["3002"]' } })).id;
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });

  it("exports one subject as CSV: a line per table checked, ids and counts only", async () => {
    const scope = evidenceScopeSchema.parse({ request: requestId });
    const lines: string[] = [];
    for await (const r of evidenceCsvRows(store, scope, new Map([["dpo-1", "dpo@example.com"]]))) lines.push(csvLine(r));
    // RFC 4180: a quoted field (the verdict text) may hold commas
    const rows = lines.map((l) =>
      l
        .trimEnd()
        .match(/("([^"]|"")*"|[^,]*)(,|$)/g)!
        .map((f) => f.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"')),
    );
    expect(rows.length).toBeGreaterThan(0); // every() over none would pass
    expect(rows.every((r) => r[5] === "shop.users:3002" && r[2] === "dpo@example.com")).toBe(true);
    const byTable = Object.fromEntries(rows.map((r) => [r[CSV_HEADER.indexOf("table")], r[CSV_HEADER.indexOf("residual_rows")]]));
    expect(byTable).toMatchObject({ customer_activity: "11", customer_email_links: "1", customer_push_subscriptions: "1", orders: "0" });
    expect(lines.join("")).not.toMatch(/@example\.com.*@example\.com|push\.example\.com/); // no row values, only ids
    // each line names the key its record's signature holds under, by the fingerprint the pages show
    const fingerprint = keyFingerprint(existingEvidenceKey(env)!.publicKey);
    expect(fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(rows.every((r) => r[CSV_HEADER.indexOf("signing_key_fingerprint")] === fingerprint)).toBe(true);
  });

  it("refuses a scope that is neither a subject nor a period", () => {
    expect(evidenceScopeSchema.safeParse({}).success).toBe(false);
    expect(evidenceScopeSchema.safeParse({ from: "2026-02-01", to: "2026-01-01" }).success).toBe(false);
  });

  it("writes a PDF per period with every verification, its verdict and residue, rendered to PNG", async () => {
    const day = new Date().toISOString().slice(0, 10);
    const scope = evidenceScopeSchema.parse({ from: day, to: day });
    const doc = evidencePdf(store, scope, {
      scopeLabel: `all verifications, ${day}`,
      generatedBy: "dpo@example.com",
      generatedAt: new Date(),
      chain: await verifyChain(store),
      names: new Map([["dpo-1", "dpo@example.com"]]),
    });
    const bytes = await pdfBytes(doc);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, "period.pdf");
    writeFileSync(file, bytes);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain("Erasure verification report");
    const fingerprint = keyFingerprint(existingEvidenceKey(env)!.publicKey);
    expect(text.replace(/\s+/g, " ")).toContain(`Signing key Ed25519, SHA-256 fingerprint ${fingerprint}`);
    expect(text).toMatch(/signed by key\s+[0-9a-f]{4} [0-9a-f]{4}/);
    expect(text).toMatch(/holds: 3 records/);
    expect(text).toMatch(/shop\.users:3002\s+INCOMPLETE · 13 rows/);
    expect(text).toMatch(/shop\.users:12345\s+INCOMPLETE · 753 rows/);
    expect(text).toMatch(/customer_activity\s+11/);
    expect(text).toMatch(/shop\.users:42\s+INCOMPLETE/); // a live user: everything is still there
    execFileSync("pdftoppm", ["-png", "-r", "60", file, path.join(ARTIFACTS, "period")]);
    expect(readdirSync(ARTIFACTS).filter((f) => /^period-\d+\.png$/.test(f)).length).toBeGreaterThanOrEqual(1);
  });
});
