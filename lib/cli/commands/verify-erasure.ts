import { userInfo } from "node:os";
import type { Config } from "../../config/types";
import { addRequests, getRequest } from "../../erasure/requests";
import { verifyRequest } from "../../erasure/run";
import { canonicalKeys } from "../../erasure/keys";
import { signingKey } from "../../erasure/store-key";
import { parseSubjectRef, subjectLabel } from "../../erasure/subjects";
import { seenByCustodian, traceSummary, unreviewedText } from "../../erasure/trace";
import { RequestWithdrawnError } from "../../erasure/withdraw";
import { TargetPool } from "../../targets/pool";
import { openStore } from "../../store/client";
import { EXIT, formatCount, table, type Output } from "../io";
import { usageError } from "../../errors/user-error";

/** Who verified, in the evidence: the operating-system account that ran the command. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli:unknown";
  }
}

/**
 * `custodian verify-erasure --subject TARGET.TABLE:KEY`: verifies one subject, files the
 * result as evidence (and the subject as a manual request, so the console lists it).
 * Exit 0 complete, 1 incomplete (or not verifiable), 2 bad usage.
 */
export async function verifyErasureCommand(config: Config, out: Output, ref: string | undefined): Promise<number> {
  if (!ref) throw usageError("--subject TARGET.TABLE:KEY is required");
  const parsed = parseSubjectRef(config, ref);
  // one pool for the whole command: each target opened once
  const pool = new TargetPool(config.targets);
  let result;
  try {
    // read by the key column's type before anything is stored: `3O47` is refused (exit 2), `+03047` is 3047
    [parsed.key] = await canonicalKeys(pool, parsed.subject, [parsed.key]);
    const store = await openStore({ purpose: "custodian verify-erasure" });
    try {
      // the evidence key before anything is stored (not even the request): missing, or not the store's, is exit 2
      await signingKey(store);
      const actor = cliActor();
      const { ids } = await addRequests(store, config, { subject: parsed.subject.name, keys: [parsed.key], source: "manual", requestedBy: actor, pool });
      out.progress(`verifying ${subjectLabel({ target: parsed.subject.target, table: parsed.subject.table, key: parsed.key })}…`);
      result = await verifyRequest(store, config, (await getRequest(store, ids[0]))!, actor, { pool }).catch((err) => {
        // a withdrawn request is not verified again: say so, like any other refused usage
        throw err instanceof RequestWithdrawnError ? usageError(err.message) : err;
      });
    } finally {
      await store.close();
    }
  } finally {
    await pool.close();
  }
  const { verification: v, evidence } = result;
  const errors = v.failures;
  out.result(
    {
      subject: subjectLabel({ target: v.subject.target, table: v.subject.table, key: v.subject.key }),
      verdict: v.verdict,
      // coverage gaps of the subject's table nobody reviewed: places a "complete" did not check (null: unknown)
      unreviewedColumns: v.unreviewed?.length ?? null,
      ...(v.unreviewed?.length ? { unreviewed: v.unreviewed.map((c) => `${c.target}.${c.schema}.${c.table}.${c.column}`) } : {}),
      // "never seen by Custodian" or what it knew: a purge that erased it, orphan sightings, earlier residue
      trace: v.trace ? { summary: traceSummary(v.trace), seenByCustodian: seenByCustodian(v.trace), ...v.trace } : null,
      tables: v.tables.map((t) => ({
        target: t.target,
        schema: t.schema,
        table: t.table,
        residualRows: t.error ? null : t.residualRows,
        ...(t.error ? { error: t.error } : {}),
      })),
      evidenceId: evidence.id.toString(),
      ...(errors.length ? { errors } : {}),
    },
    () => {
      const rows = [["target", "schema", "table", "residual rows", "sample keys"]];
      for (const t of v.tables) {
        rows.push([
          t.target,
          t.schema,
          t.table,
          t.error ? "NOT CHECKED" : formatCount(t.residualRows),
          t.error ?? t.sampleKeys.map((k) => k.join("/")).join(", "),
        ]);
      }
      return [
        table(rows, ["l", "l", "l", "r", "l"]),
        ...errors.map((f) => `target ${f.target}: ${f.error}`),
        "",
        `${v.verdict === "complete" ? "COMPLETE" : "INCOMPLETE"}: ${formatCount(v.residualRows)} rows still hold this subject's data. Evidence #${evidence.id}.`,
        ...(v.unreviewed?.length
          ? [
              `Not checked: ${unreviewedText(v.unreviewed.length)} (${v.unreviewed.map((c) => `${c.target}.${c.table}.${c.column}`).join(", ")}): map a relation or mark it "not personal data".`,
            ]
          : []),
        ...(v.trace ? [`Custodian's trace of this key: ${traceSummary(v.trace)}.`] : []),
      ].join("\n");
    },
  );
  return v.verdict === "complete" ? EXIT.ok : EXIT.failed;
}
