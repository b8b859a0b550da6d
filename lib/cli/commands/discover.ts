import { stringify } from "yaml";
import type { Config } from "../../config/types";
import { resolveRelations } from "../../relations/resolve";
import { suggestRelations, type Suggestion } from "../../relations/suggest";
import { describeEndpoint } from "../../relations/types";
import { TargetPool } from "../../targets/pool";
import { EXIT, table, type Output } from "../io";

/** `custodian discover`: declared and configured relations, and suggestions to confirm. */
export async function discoverCommand(config: Config, out: Output): Promise<number> {
  const pool = new TargetPool(config.targets);
  try {
    const { relations, failures } = await resolveRelations(config, pool);
    const suggestions = await suggestRelations(config, pool, relations);
    out.result(
      {
        relations: relations.map((r) => ({ name: r.name, origin: r.origin, child: r.child, parent: r.parent })),
        suggestions,
        ...(failures.length ? { errors: failures } : {}),
      },
      () => human(relations, suggestions, failures),
    );
    return failures.length ? EXIT.failed : EXIT.ok;
  } finally {
    await pool.close();
  }
}

function human(relations: Awaited<ReturnType<typeof resolveRelations>>["relations"], suggestions: Suggestion[], failures: { target: string; error: string }[]) {
  const lines = [
    table([["relation", "origin", "child", "parent"], ...relations.map((r) => [r.name, r.origin, describeEndpoint(r.child), describeEndpoint(r.parent)])]),
  ];
  if (suggestions.length) {
    lines.push("", `Suggested relations (not scanned until you add them under relations: in ${"the config"}):`);
    for (const s of suggestions) {
      lines.push("", `  ${describeEndpoint(s.child)} → ${s.parent ? describeEndpoint(s.parent) : "?"}  [${s.confidence}]`);
      for (const e of s.evidence) lines.push(`    - ${e}`);
      if (s.parent) {
        const flow = (v: unknown) => stringify(v, { collectionStyle: "flow" } as never).trim();
        const short = (e: Suggestion["child"]) => ({ target: e.target, table: e.table, columns: e.columns });
        lines.push(
          `    - name: ${flow(`${s.child.table}_${s.child.columns.join("_")}`)}`,
          `      child:  ${flow(short(s.child))}`,
          `      parent: ${flow(short(s.parent))}`,
        );
      }
    }
  }
  for (const f of failures) lines.push(`target ${f.target}: ${f.error}`);
  return lines.join("\n");
}
