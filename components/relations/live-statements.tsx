import type { Config } from "@/lib/config/types";
import type { Relation } from "@/lib/relations/types";
import { readLive } from "./read-live";

/** The statements of the relation's scan as the live target's dialect compiles them; none while it is unreachable. */
export async function LiveStatements({
  relation,
  targets,
  after,
  mayPreview,
  version,
}: {
  relation: Relation;
  targets: Config["targets"];
  after: string | null;
  mayPreview: boolean;
  /** the relation's latest scan (read-live.ts) */
  version: string;
}) {
  const { statements } = await readLive(relation, targets, after, mayPreview, version);
  if (statements.length === 0) return <p className="text-sm text-zinc-500">The statements cannot be shown while the target is unreachable.</p>;
  return statements.map((s, i) => (
    <div key={i} className="card p-3">
      <div className="text-xs text-zinc-500">{s.purpose}</div>
      <pre className="mt-1 max-w-full overflow-x-auto font-mono text-xs break-all whitespace-pre-wrap" data-testid="relation-sql">
        {s.sql}
      </pre>
    </div>
  ));
}
