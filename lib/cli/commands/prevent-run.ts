import type { Config } from "../../config/types";
import { preventionStatus, type PreventionJobView } from "../../prevention/jobs";
import { runPreventionJob } from "../../prevention/run";
import type { Store } from "../../store/client";
import { EXIT, type Output } from "../io";

/** The console's page of a constraint job: CUSTODIAN_URL's, else the path (a guessed host would mislead). */
export function preventionJobLink(jobId: string, env: Record<string, string | undefined> = process.env): string {
  return `${env.CUSTODIAN_URL?.trim().replace(/\/+$/, "") ?? ""}/prevention/jobs/${jobId}`;
}

/** Exit 3: the constraint job waits for a second person (ops or admin), on its page or with `custodian job ID approve`. */
export function awaitingPreventionApproval(out: Output, jobId: string): number {
  const url = preventionJobLink(jobId);
  out.progress(`custodian: constraint job ${jobId} waits for a second person's approval: ${url}`);
  out.result({ jobId, status: "awaiting_approval", url }, () =>
    [`constraint job ${jobId} waits for a second person's approval (ops or admin): ${url}`, `  or: custodian job ${jobId} approve --as EMAIL`].join("\n"),
  );
  return EXIT.awaitingApproval;
}

/** Runs a queued constraint job here to its end (the CLI has no queue), each step on stderr, and prints its outcome. */
export async function runPreventionHere(store: Store, config: Config, out: Output, jobId: string): Promise<number> {
  await runPreventionJob(store, config, jobId, { log: out.progress });
  const j = (await preventionStatus(store, jobId))!;
  out.result(preventionJson(j), () =>
    [
      `constraint job ${j.id}: ${j.status}: ${j.reason ?? ""}`,
      ...j.steps.map((s) => `  ${s.status.padEnd(7)} ${s.title}${s.error ? ` (${s.error})` : ""}`),
      ...j.verified.map(
        (v) => `  ${v.relation}: ${v.constraint} ${v.exists ? (v.validated ? "validated" : "NOT validated") : "MISSING"}, ON DELETE ${v.onDelete ?? "?"}`,
      ),
    ].join("\n"),
  );
  return j.status === "applied" ? EXIT.ok : EXIT.failed;
}

function preventionJson(j: PreventionJobView) {
  return { jobId: j.id, status: j.status, reason: j.reason, relations: j.relations, actions: j.actions, steps: j.steps, verified: j.verified };
}
