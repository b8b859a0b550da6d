import { PRIVILEGE_LABELS, type PrivilegeNeed } from "@/lib/targets/privileges";

/** What Custodian's database user lacks for the work previewed: said before it starts, with what to grant. */
export function MissingPrivileges({ missing, work }: { missing: PrivilegeNeed[]; work: string }) {
  if (!missing.length) return null;
  return (
    <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300" data-testid="missing-privileges">
      <p className="font-medium">Custodian&apos;s database user lacks what this {work} needs; it will not start until a DBA grants:</p>
      <ul className="mt-1 list-inside list-disc">
        {missing.map((m) => (
          <li key={`${m.target}:${m.table.schema}.${m.table.table}:${m.privilege}`}>
            <span className="font-mono text-xs">
              {PRIVILEGE_LABELS[m.privilege]} on {m.target}:{m.table.schema}.{m.table.table}
            </span>{" "}
            — to {m.why}
          </li>
        ))}
      </ul>
    </div>
  );
}
