import { formatNumber } from "@/lib/format";
import type { StepView } from "@/lib/softdelete/requests";
import { statusText } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { LocalTime } from "@/components/ui/local-time";

export interface RequestRow {
  id: string;
  token: string;
  table: string;
  key: string;
  status: string;
  mode: string;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date | null;
  error: string | null;
  steps: StepView[];
}

/** Deletion requests with each database's part: a partial request says what is left and why, never "done". */
export function RequestsTable({ requests }: { requests: RequestRow[] }) {
  return (
    <Table testId="deletion-requests" columns={["Subject", "Status", "Per database", "Requested"]}>
      {requests.map((r) => (
        <tr key={r.id} data-status={r.status} className="align-top">
          <Td>
            <div className="font-mono text-xs">
              {r.table} {r.key}
            </div>
            <div className="text-xs text-zinc-500">token {r.token}</div>
          </Td>
          <Td className={`font-medium ${statusText(r.status)}`}>
            {r.status}
            {r.mode === "redact" && <div className="text-xs font-normal text-zinc-500">row kept, PII redacted</div>}
            {(r.status === "partial" || r.status === "failed") && r.nextAttemptAt && (
              <div className="text-xs font-normal text-zinc-500">
                retry <LocalTime date={r.nextAttemptAt} /> (attempt {r.attempts})
              </div>
            )}
          </Td>
          <Td>
            <ul className="space-y-1">
              {r.steps.map((s) => {
                const planned = s.plan.filter((t) => t.action === "delete").reduce((n, t) => n + (t.rows ?? 0), 0);
                return (
                  <li key={s.seq} className="text-xs">
                    <span className="font-mono">{s.target}</span>: <span className={statusText(s.status)}>{s.status}</span> — {formatNumber(s.removed)} removed
                    {s.redacted ? `, ${formatNumber(s.redacted)} redacted` : ""}
                    {s.nulled ? `, ${formatNumber(s.nulled)} unlinked` : ""}
                    {s.status !== "completed" && planned > s.removed && (
                      <span className="text-amber-700 dark:text-amber-400"> · about {formatNumber(planned - s.removed)} left</span>
                    )}
                    {s.statements > 0 && (
                      <span className="text-zinc-500">
                        {" "}
                        · {formatNumber(s.statements)} statements, longest {Math.round(s.maxStatementMs)} ms
                      </span>
                    )}
                    {s.error && <div className="text-red-600 dark:text-red-400">{s.error}</div>}
                  </li>
                );
              })}
              {r.steps.length === 0 && r.error && <li className="text-xs text-red-600 dark:text-red-400">{r.error}</li>}
            </ul>
          </Td>
          <Td className="whitespace-nowrap text-zinc-500">
            <LocalTime date={r.createdAt} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
