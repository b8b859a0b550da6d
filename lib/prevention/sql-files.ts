import type { MigrationStep } from "../targets/types";
import type { Proposal } from "./types";

export interface SqlFile {
  name: string;
  content: string;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);

/** The SQL of one step, with the comments a reviewer needs: what it does, why, the lock it takes. */
export function stepSql(step: MigrationStep, relations: string[], childRows: number | null): string {
  const comment = (text: string) =>
    text
      .split("\n")
      .map((l) => `-- ${l}`)
      .join("\n");
  return [
    comment(`${step.title} (relation${relations.length > 1 ? "s" : ""} ${relations.join(", ")})`),
    comment(step.comment),
    comment(
      `lock: ${step.lock}; writes blocked: ${step.writesBlocked}; ${step.copiesTable ? `copies all ${childRows ?? "?"} rows` : step.readsWholeTable ? `reads all ${childRows ?? "?"} rows` : "reads no rows"}`,
    ),
    comment("Run the statements in this order, on one connection, and stop at the first error."),
    "",
    ...step.statements.map((s) => `${s.sql};${s.expectNoRows ? " -- must return no rows" : ""}`),
    "",
  ].join("\n");
}

/**
 * The migration of the ready proposals for the team's own migration tool: one file per
 * statement group, numbered in the order they must run. A step several relations share (a
 * SQLite rebuild) is written once.
 */
export function sqlFiles(proposals: Proposal[]): SqlFile[] {
  const steps: { step: MigrationStep; relations: string[]; childRows: number | null }[] = [];
  for (const p of proposals.filter((p) => p.status === "ready")) {
    for (const step of p.statements) {
      const seen = steps.find((s) => s.step === step);
      if (seen) seen.relations.push(p.relation);
      else steps.push({ step, relations: [p.relation], childRows: p.impact?.childRows ?? null });
    }
  }
  return steps.map((s, i) => ({ name: `${String(i + 1).padStart(3, "0")}-${slug(s.step.title)}.sql`, content: stepSql(s.step, s.relations, s.childRows) }));
}
