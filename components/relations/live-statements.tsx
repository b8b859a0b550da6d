import type { Config } from "@/lib/config/types";
import { relationStatements } from "@/lib/detect/statements";
import type { Relation } from "@/lib/relations/types";
import { TargetPool } from "@/lib/targets/pool";

/** The statements of the relation's scan as the live target's dialect compiles them; none while it is unreachable. */
export async function LiveStatements({ relation, targets }: { relation: Relation; targets: Config["targets"] }) {
  const pool = new TargetPool(targets);
  let statements: { purpose: string; sql: string }[];
  try {
    statements = await relationStatements(relation, pool).catch(() => []);
  } finally {
    await pool.close();
  }
  if (statements.length === 0) return <p className="text-sm text-zinc-500">The statements cannot be shown while the target is unreachable.</p>;
  return statements.map((s, i) => (
    <div key={i} className="card p-3">
      <div className="text-xs text-zinc-500">{s.purpose}</div>
      <pre className="mt-1 overflow-x-auto whitespace-pre font-mono text-xs" data-testid="relation-sql">
        {s.sql}
      </pre>
    </div>
  ));
}
