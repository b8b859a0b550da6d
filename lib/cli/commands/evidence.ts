import { createWriteStream, rmSync } from "node:fs";
import { Readable, Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { scrubParams } from "../../audit/params";
import { csvLine } from "../../csv";
import { evidenceCsvExport, evidencePdfExport } from "../../erasure/evidence-export";
import { evidenceScopeSchema, type EvidenceScope } from "../../erasure/export";
import { notFound, usageError } from "../../errors/user-error";
import { openStore, type Store } from "../../store/client";
import { audited, cliActor, type CliAction } from "../actor";
import { EXIT, formatCount, type Output } from "../io";

export interface EvidenceOptions {
  verb?: string;
  from?: string;
  to?: string;
  request?: string;
  format?: string;
  out?: string;
  as?: string;
}

const FORMATS = ["csv", "pdf"] as const;
type Format = (typeof FORMATS)[number];

/**
 * `custodian evidence export`: the CSV or PDF the console's Erasure page downloads
 * (lib/erasure/evidence-export.ts, the same functions as its routes), for a period or one
 * request, with its permission (evidence.export) and audit action, as the --as user.
 * The file goes to --out, else to stdout (a PDF only when stdout is not a terminal).
 */
export async function evidenceCommand(out: Output, opts: EvidenceOptions): Promise<number> {
  if (opts.verb !== "export") throw usageError(`expected "custodian evidence export"${opts.verb ? `, not "${opts.verb}"` : ""}`);
  const format = (opts.format ?? "csv") as Format;
  if (!FORMATS.includes(format)) throw usageError(`--format: expected csv or pdf, not "${opts.format}"`);
  if (!opts.request && (opts.from === undefined || opts.to === undefined)) throw usageError("--from DATE and --to DATE are required (or --request ID)");
  // with --request, a lone --from or --to would be ignored: a period is both days
  if ((opts.from === undefined) !== (opts.to === undefined)) throw usageError("--from and --to go together: a period is both days");
  const parsed = evidenceScopeSchema.safeParse({ from: opts.from, to: opts.to, request: opts.request });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usageError(`${issue.path.length ? `--${String(issue.path[0])}: ` : ""}${issue.message}`);
  }
  if (!opts.out && out.json) throw usageError("--json prints a summary on stdout: give --out FILE for the export");
  if (!opts.out && format === "pdf" && process.stdout.isTTY) throw usageError("a PDF is binary: give --out FILE, or redirect stdout");
  if (!opts.as) throw usageError("--as EMAIL is required: who exports the evidence");
  const scope = parsed.data;
  const store = await openStore({ purpose: "custodian evidence export" });
  try {
    const act: CliAction = {
      action: `evidence.export_${format}`,
      permission: "evidence.export",
      object: null,
      params: scrubParams(scope, ["request", "from", "to"]),
    };
    const actor = await cliActor(store, opts.as, act);
    const written = await audited(store, actor, act, () => exportTo(store, scope, format, actor.label, opts.out));
    const doc = { format, file: opts.out ?? null, fileName: written.fileName, bytes: written.bytes, ...(format === "csv" ? { rows: written.rows } : {}) };
    const human = `${format.toUpperCase()} evidence export (${formatCount(written.bytes)} bytes${format === "csv" ? `, ${formatCount(written.rows)} rows` : ""}) ${opts.out ? `written to ${opts.out}` : "written to stdout"}`;
    // stdout may be the file itself: the summary then goes to stderr
    if (opts.out) out.result(doc, () => human);
    else out.progress(human);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** Writes the export to the file (removed again if the export fails) or to stdout, counting bytes and CSV rows. */
async function exportTo(store: Store, scope: EvidenceScope, format: Format, by: string, file: string | undefined) {
  let failure: unknown = null;
  let source: Readable;
  let fileName: string;
  let rows = 0;
  if (format === "csv") {
    const csv = await evidenceCsvExport(store, scope);
    fileName = csv.fileName;
    source = Readable.from(
      (async function* () {
        yield csvLine(csv.header);
        for await (const row of csv.rows) {
          rows++;
          yield csvLine(row);
        }
      })(),
    );
  } else {
    const pdf = await evidencePdfExport(store, scope, by, (err) => (failure = err));
    if (!pdf) throw notFound("No such erasure request.");
    fileName = pdf.fileName;
    source = pdf.doc;
  }
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      bytes += Buffer.byteLength(chunk);
      done(null, chunk);
    },
  });
  const sink: Writable = file ? createWriteStream(file) : process.stdout;
  try {
    await pipeline(source, counter, sink, { end: Boolean(file) });
    if (failure) throw new Error(`the report could not be completed: ${(failure as Error)?.message ?? String(failure)}`);
  } catch (err) {
    if (file) rmSync(file, { force: true });
    throw err;
  }
  return { fileName, bytes, rows };
}
