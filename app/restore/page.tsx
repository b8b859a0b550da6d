import { requirePage } from "@/lib/auth/guard";
import { serverConfig } from "@/lib/server/config";

export const dynamic = "force-dynamic";

/** Support's page. Lists the soft-delete tables accounts can be restored from. */
export default async function RestorePage() {
  await requirePage("restore.search", "/restore");
  const tables = serverConfig().softDelete;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Restore an account</h1>
        <p className="text-sm text-zinc-500">
          Bring back an account deleted by mistake, with the data deleted in the same cascade, while it is inside its grace period.
        </p>
      </div>
      <div className="card border-dashed p-8 text-center" data-testid="restore-unavailable">
        <p className="font-medium">Searching and restoring accounts is not available in this version yet.</p>
        <p className="mt-2 text-sm text-zinc-500">Nothing on this page reads or changes account data. Until it is, ask ops to restore from a backup.</p>
      </div>
      <div className="card p-4">
        <h2 className="font-medium">Soft-delete tables in the configuration</h2>
        {tables.length === 0 ? (
          <p className="mt-2 text-sm text-zinc-500">
            None. An admin adds them under <code className="font-mono">softDelete:</code> in the config file.
          </p>
        ) : (
          <ul className="mt-2 space-y-1 text-sm">
            {tables.map((t) => (
              <li key={`${t.target}.${t.table}`} className="font-mono text-xs">
                {t.target}.{t.schema ? `${t.schema}.` : ""}
                {t.table} — column {t.column}, grace {t.graceDays} days
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
