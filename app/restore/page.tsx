import { RestorePanel } from "@/components/restore/restore-panel";
import { requirePage } from "@/lib/auth/guard";
import { formatNumber } from "@/lib/format";
import { serverConfig } from "@/lib/server/config";
import { loadBacklog } from "@/lib/softdelete/backlog";
import { configName } from "@/lib/softdelete/tables";
import { EmptyState } from "@/components/ui/empty-state";

export const dynamic = "force-dynamic";

/** Support's page: find a deleted account by exact id or email, preview what comes back, restore it or read why not. */
export default async function RestorePage() {
  await requirePage("restore.search", "/restore");
  const config = serverConfig();
  const tables = config.softDelete.map(configName);
  const backlog = tables.length ? await loadBacklog(config) : null;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Restore an account</h1>
        <p className="text-sm text-zinc-500">
          Bring back an account deleted by mistake, with the data deleted in the same cascade, while it is inside its grace period.
        </p>
      </div>
      {tables.length === 0 ? (
        <EmptyState>
          No soft-delete table is configured, so there is nothing to restore. An admin adds them under <code className="font-mono">softDelete:</code> in the
          config file.
        </EmptyState>
      ) : (
        <>
          <ul className="flex flex-wrap gap-4 text-sm" data-testid="restore-backlog">
            {backlog!.gauges.map((g) => (
              <li key={g.table} className="card px-4 py-2">
                <span className="font-mono text-xs">{g.table}</span>:{" "}
                {g.error ? (
                  <span className="text-red-600">{g.error}</span>
                ) : (
                  <>
                    <strong className="tabular" data-testid="restorable-count">
                      {formatNumber(g.deleted - g.pending)}
                    </strong>{" "}
                    deleted inside the {g.graceDays}-day grace period (restorable)
                  </>
                )}
              </li>
            ))}
          </ul>
          <RestorePanel tables={tables} />
        </>
      )}
    </div>
  );
}
