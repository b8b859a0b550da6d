import PDFDocument from "pdfkit";
import type { ErasureEvidence, ErasureWithdrawal } from "../../generated/prisma/client";
import { formatNumber } from "../format";
import { errorFields, log } from "../log/logger";
import type { Store } from "../store/client";
import type { ChainReport } from "./evidence";
import { storedTables } from "./evidence";
import { signatureStatus, streamMarkedEvidence, type EvidenceScope } from "./export";
import { existingEvidenceKey, keyFingerprint } from "./signing";
import { subjectLabel } from "./subjects";
import { traceSummary, unreviewedText } from "./trace";
import { CUSTODIAN_VERSION } from "./version";

const MARGIN = 50;
const INK = "#18181b";
const MUTED = "#71717a";
const BAD = "#b91c1c";
const GOOD = "#15803d";
const WARN = "#b45309";
const RULE = "#d4d4d8";

export interface ReportMeta {
  scopeLabel: string;
  generatedBy: string;
  generatedAt: Date;
  chain: ChainReport;
  /** Staff user ids → e-mail, for "verified by". */
  names: Map<string, string>;
  /** Told when the report could not be completed (a download has already started: the document says so at its end). */
  onFailure?: (err: unknown) => void;
}

/**
 * The evidence a DPO files: for each verification in scope, who verified when, with which
 * Custodian and config, the verdict, and per table the rows left (ids only, never
 * values). The document streams: records are read a page at a time and written as they
 * come. Built-in Helvetica: no font files to ship.
 */
export function evidencePdf(store: Store, scope: EvidenceScope, meta: ReportMeta): PDFKit.PDFDocument {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, info: { Title: "Erasure verification report", Creator: `Custodian ${CUSTODIAN_VERSION}` } });
  let page = 1;
  const footer = () => {
    const y = doc.page.height - MARGIN + 15;
    // below the bottom margin: without lifting it, pdfkit would start a new page for the footer
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.save().font("Helvetica").fontSize(8).fillColor(MUTED);
    doc.text(`Custodian erasure evidence · ${meta.scopeLabel} · page ${page}`, MARGIN, y, {
      width: doc.page.width - 2 * MARGIN,
      align: "center",
      lineBreak: false,
    });
    doc.restore();
    doc.page.margins.bottom = bottom;
    doc.x = MARGIN;
  };
  doc.on("pageAdded", () => {
    page++;
    footer();
    doc.y = MARGIN;
  });
  void write(doc, store, scope, meta, footer).catch((err) => {
    log().error(errorFields(err), "evidence PDF failed");
    meta.onFailure?.(err);
    doc.fillColor(BAD).fontSize(11).text("The report could not be completed; the server log has the details.");
    doc.end();
  });
  return doc;
}

async function write(doc: PDFKit.PDFDocument, store: Store, scope: EvidenceScope, meta: ReportMeta, footer: () => void): Promise<void> {
  const width = doc.page.width - 2 * MARGIN;
  footer();
  doc.y = MARGIN;
  doc.fillColor(INK).font("Helvetica-Bold").fontSize(18).text("Erasure verification report");
  doc.font("Helvetica").fontSize(11).fillColor(MUTED).text(meta.scopeLabel);
  doc.moveDown(0.8);
  const key = existingEvidenceKey(store.env ?? process.env);
  const facts: [string, string][] = [
    ["Generated", `${iso(meta.generatedAt)} by ${meta.generatedBy}`],
    ["Custodian", CUSTODIAN_VERSION],
    [
      "Evidence chain",
      meta.chain.ok
        ? `holds: ${formatNumber(meta.chain.records)} records, head ${meta.chain.head.slice(0, 16)}…`
        : meta.chain.broken!.id
          ? `BROKEN at record #${meta.chain.broken!.id}: ${meta.chain.broken!.reason}`
          : `DOES NOT HOLD: ${meta.chain.broken!.reason}`,
    ],
    ["Signing key", key ? `Ed25519, SHA-256 fingerprint ${keyFingerprint(key.publicKey)}` : "none at hand: signatures were not checked"],
  ];
  for (const [k, v] of facts) keyValue(doc, k, v, k === "Evidence chain" && !meta.chain.ok ? BAD : INK);
  doc.moveDown(0.6);
  doc
    .fontSize(9)
    .fillColor(MUTED)
    .text(
      "Each verification followed the relations Custodian knows of (declared foreign keys and configured relations) that reach the subject, " +
        "transitively and across databases, and counted the rows still referencing it. Rows kept on purpose count only when their PII columns " +
        "still hold data. A column that looks like a reference to the subject's table but that no relation reaches was not checked: until a " +
        "person reviews it, the verdict says so (\u201ccomplete \u2014 1 column not yet reviewed\u201d) and names it. Each record also says what " +
        "Custodian knew of the key before (a purge that erased it, orphaned references seen by sweeps, rows an earlier verification found), or " +
        "that it never saw it. Sample keys are row ids; no other value is shown. Each record is chained by SHA-256 to the one before it " +
        "and its hash is signed with the Ed25519 evidence key kept outside Custodian's store: compare the key's fingerprint above with the " +
        "published one, and check the chain with custodian verify-evidence --public-key.",
      { width },
    );
  doc.moveDown(0.8);

  let count = 0;
  const signedBy = signatureStatus(store);
  for await (const { e, withdrawal } of streamMarkedEvidence(store, scope)) {
    count++;
    record(doc, e, withdrawal, meta.names, width, signedBy(e));
  }
  if (!count) doc.fontSize(11).fillColor(MUTED).text("No verification in this scope yet.");
  doc.end();
}

const BADGE = 230;

function record(
  doc: PDFKit.PDFDocument,
  e: ErasureEvidence,
  withdrawal: ErasureWithdrawal | null,
  names: Map<string, string>,
  width: number,
  signedBy: string,
) {
  const { tables, failures, unreviewed, unreviewedColumns, trace } = storedTables(e);
  ensureSpace(doc, 130);
  rule(doc, width);
  const top = doc.y + 6;
  doc
    .font("Helvetica-Bold")
    .fontSize(12)
    .fillColor(INK)
    .text(`#${e.id}  ${subjectLabel(e)}`, MARGIN, top, { width: width - BADGE });
  const titleBottom = doc.y;
  const complete = e.verdict === "complete";
  // a complete verdict with columns nobody reviewed is not the same claim: it says so where the verdict is
  const verdict = complete
    ? `COMPLETE${unreviewedColumns ? ` \u2014 ${unreviewedText(unreviewedColumns)}` : ""}`
    : `INCOMPLETE · ${formatNumber(e.residualRows)} rows`;
  doc
    .font("Helvetica-Bold")
    .fontSize(10)
    .fillColor(complete ? (unreviewedColumns ? WARN : GOOD) : BAD)
    .text(verdict, MARGIN + width - BADGE, top, { width: BADGE, align: "right" });
  doc.x = MARGIN;
  doc.y = Math.max(doc.y, titleBottom);
  doc
    .font("Helvetica")
    .fontSize(9)
    .fillColor(MUTED)
    .text(
      `Verified ${iso(e.verifiedAt)} by ${names.get(e.verifiedBy) ?? e.verifiedBy} · subject "${e.subject}" · config ${e.configHash} · Custodian ${e.custodianVersion}`,
      MARGIN,
      doc.y + 2,
      { width },
    );
  if (withdrawal) {
    doc
      .font("Helvetica-Bold")
      .fontSize(9)
      .fillColor(BAD)
      .text(
        `WITHDRAWN on ${iso(withdrawal.withdrawnAt).slice(0, 10)} by ${names.get(withdrawal.withdrawnBy) ?? withdrawal.withdrawnBy}: ${withdrawal.reason}`,
        MARGIN,
        doc.y + 2,
        { width },
      );
  }
  if (trace)
    doc
      .font("Helvetica")
      .fontSize(9)
      .fillColor(INK)
      .text(`Custodian's trace of this key: ${traceSummary(trace)}.`, MARGIN, doc.y + 2, { width });
  if (unreviewed?.length) {
    doc
      .font("Helvetica")
      .fontSize(9)
      .fillColor(WARN)
      .text(
        `Not checked: ${unreviewed.map((c) => `${c.target}.${c.schema}.${c.table}.${c.column}`).join(", ")} \u2014 looks like a reference to ${e.table}, ` +
          `no relation reaches it and nobody marked it \u201cnot personal data\u201d.`,
        MARGIN,
        doc.y + 2,
        { width },
      );
  }
  doc.moveDown(0.4);

  const cols = [
    { label: "Database", w: 0.14 },
    { label: "Table", w: 0.3 },
    { label: "Residual rows", w: 0.14, right: true },
    { label: "Redacted", w: 0.1, right: true },
    { label: "Sample keys / note", w: 0.32 },
  ];
  const header = () =>
    row(
      cols.map((c) => c.label),
      { bold: true, color: MUTED },
    );
  const row = (cells: string[], opts: { bold?: boolean; color?: string }) => {
    if (ensureSpace(doc, 16)) {
      // a table split over pages says whose it is again, with its header
      doc
        .font("Helvetica-Bold")
        .fontSize(9)
        .fillColor(MUTED)
        .text(`#${e.id}  ${subjectLabel(e)} (continued)`, MARGIN, doc.y, { width });
      doc.moveDown(0.3);
      header();
    }
    const y = doc.y;
    let x = MARGIN;
    let h = 0;
    doc
      .font(opts.bold ? "Helvetica-Bold" : "Helvetica")
      .fontSize(8.5)
      .fillColor(opts.color ?? INK);
    cells.forEach((c, i) => {
      const w = cols[i].w * width;
      doc.text(c, x + 2, y, { width: w - 4, align: cols[i].right ? "right" : "left" });
      h = Math.max(h, doc.y - y);
      x += w;
    });
    doc.x = MARGIN;
    doc.y = y + h + 2;
  };
  header();
  for (const t of tables) {
    const left = t.residualRows > 0 || !!t.error;
    row(
      [
        t.target,
        t.schema && t.schema !== "main" && t.schema !== "public" ? `${t.schema}.${t.table}` : t.table,
        t.error ? "not checked" : formatNumber(t.residualRows),
        t.redactedRows ? formatNumber(t.redactedRows) : "",
        t.error ??
          (t.sampleKeys.length
            ? `${t.keyColumns.join("/")}: ${t.sampleKeys.map((k) => k.join("/")).join(", ")}${t.residualRows > t.sampleKeys.length ? ", …" : ""}`
            : ""),
      ],
      { color: left ? BAD : INK },
    );
  }
  for (const f of failures ?? []) row([f.target, "(catalog)", "not checked", "", f.error], { color: BAD });
  doc.moveDown(0.3);
  doc
    .font("Courier")
    .fontSize(7)
    .fillColor(MUTED)
    .text(`sha256 ${e.hash}  previous ${e.prevHash.slice(0, 16)}…  ${signatureNote(signedBy)}`, MARGIN, doc.y, { width });
  doc.moveDown(0.8);
}

function signatureNote(signedBy: string): string {
  if (signedBy === "unsigned" || signedBy === "DOES NOT VERIFY") return `signature: ${signedBy}`;
  return `signed by key ${signedBy.slice(0, 19)}…`;
}

function keyValue(doc: PDFKit.PDFDocument, k: string, v: string, color: string) {
  const y = doc.y;
  doc.font("Helvetica-Bold").fontSize(10).fillColor(MUTED).text(k, MARGIN, y, { width: 100 });
  doc
    .font("Helvetica")
    .fontSize(10)
    .fillColor(color)
    .text(v, MARGIN + 100, y, { width: doc.page.width - 2 * MARGIN - 100 });
  doc.x = MARGIN;
}

function rule(doc: PDFKit.PDFDocument, width: number) {
  doc
    .save()
    .strokeColor(RULE)
    .lineWidth(0.7)
    .moveTo(MARGIN, doc.y)
    .lineTo(MARGIN + width, doc.y)
    .stroke()
    .restore();
}

/** Starts a new page when fewer than `needed` points are left; true when it did. */
function ensureSpace(doc: PDFKit.PDFDocument, needed: number): boolean {
  if (doc.y + needed <= doc.page.height - MARGIN) return false;
  doc.addPage();
  return true;
}

function iso(d: Date): string {
  return `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}
