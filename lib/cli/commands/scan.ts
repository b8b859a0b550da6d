import type { Config } from "../../config/types";
import type { ScanResult } from "../../detect/scan";
import { describeProgress, sweepNow } from "../../sweeps/run";
import type { SweepResult } from "../../detect/sweep";
import type { Endpoint } from "../../relations/types";
import { openStore } from "../../store/client";
import { openEmbeddedTargetsAhead } from "../../targets/open-ahead";
import { EXIT, formatCount, table, type Output } from "../io";

/** `custodian scan [--relation NAME]...`: counts orphans, stores the scans, exit 1 if any failed. */
export async function scanCommand(config: Config, out: Output, only: string[]): Promise<number> {
  // every target is opened by the sweep (its declared relations are read); the embedded ones open meanwhile with the store
  const releaseTargets = openEmbeddedTargetsAhead(config.targets);
  let result: SweepResult;
  try {
    const store = await openStore({ purpose: "custodian scan" });
    try {
      ({ result } = await sweepNow(store, config, "cli", {
        only,
        onResult: (r, done, total) =>
          out.progress(`[${done}/${total}] ${r.relation.name}: ${r.error ? `FAILED ${r.error}` : `${formatCount(r.orphans)} orphans`}`),
        onSightings: throttled((p) => out.progress(describeProgress(p))),
      }));
    } finally {
      await store.close();
    }
  } finally {
    await releaseTargets();
  }
  // printed once everything is stored and closed: a later failure cannot add a second document.
  // Sightings that could not be recorded fail the command too (exit 1), the counts printed and stored.
  const failed = result.results.some((r) => r.error || r.sightingsError) || result.failures.length > 0;
  out.result(
    {
      scannedAt: result.scannedAt.toISOString(),
      relations: result.results.map(scanJson),
      ...(result.failures.length ? { errors: result.failures } : {}),
    },
    () => humanReport(result.results, result.failures),
  );
  return failed ? EXIT.failed : EXIT.ok;
}

export function scanJson(r: ScanResult) {
  const { relation } = r;
  return {
    name: relation.name,
    origin: relation.origin,
    child: endpoint(relation.child),
    parent: endpoint(relation.parent),
    orphans: r.orphans,
    childRows: r.childRows,
    durationMs: r.durationMs,
    ...(r.error ? { error: r.error, errorKind: r.errorKind } : {}),
    ...(r.indexAdvice ? { indexAdvice: r.indexAdvice } : {}),
    ...(r.sightingsError ? { sightingsError: r.sightingsError } : {}),
  };
}

/** At most one progress line a second: a relation with millions of orphans reports thousands of steps. */
function throttled<T>(fn: (p: T) => void, everyMs = 1000): (p: T) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    fn(p);
  };
}

function endpoint(e: Endpoint) {
  return { target: e.target, schema: e.schema, table: e.table, columns: e.columns };
}

function humanReport(results: ScanResult[], failures: { target: string; error: string }[]): string {
  const rows = [["relation", "origin", "orphans", "child rows", "ms", "note"]];
  for (const r of results) {
    rows.push([
      r.relation.name,
      r.relation.origin,
      r.error ? "FAILED" : formatCount(r.orphans),
      formatCount(r.childRows),
      String(r.durationMs),
      r.error ?? (r.sightingsError ? `sightings not recorded: ${r.sightingsError}` : r.indexAdvice ? "no index on the key: see below" : ""),
    ]);
  }
  const lines = [table(rows, ["l", "l", "r", "r", "r", "l"])];
  const advice = results.filter((r) => r.indexAdvice && !r.error);
  if (advice.length) {
    lines.push("", "Keys without an index (scans and cleanups of these relations are slow):");
    for (const r of advice) lines.push(`  ${r.relation.name}:`, ...r.indexAdvice!.split("\n").map((l) => `    ${l}`));
  }
  for (const f of failures) lines.push(`target ${f.target}: ${f.error}`);
  const total = results.reduce((s, r) => s + (r.orphans ?? 0), 0);
  lines.push(
    "",
    `${formatCount(total)} orphans in ${results.length} relations${results.some((r) => r.error) ? ` (${results.filter((r) => r.error).length} could not be scanned)` : ""}`,
  );
  return lines.join("\n");
}
