"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { formatNumber, formatRelative } from "@/lib/format";
import type { PurgeStatus } from "@/lib/softdelete/purge-control";
import { LIVE_PURGE } from "./purge-progress";
import { statusText } from "@/components/ui/status-badge";

const BAR_STYLE: Record<string, string> = { completed: "bg-emerald-500", partial: "bg-amber-500", failed: "bg-red-500" };

/**
 * The latest purge jobs, polled while one runs; when one ends the page is refreshed, so
 * the gauges and requests beside it show what it did.
 */
export function PurgeJobs({ initial }: { initial: PurgeStatus[] }) {
  const router = useRouter();
  const q = useQuery({
    // A new list from the server (a purge just started, the page refreshed) starts a new query: polled if it has a live job.
    queryKey: ["purges", initial.map((j) => `${j.id}:${j.status}`).join(",")],
    initialData: initial,
    queryFn: async (): Promise<PurgeStatus[]> => {
      const res = await fetch("/api/purges");
      if (!res.ok) throw new Error(await res.text());
      return res.json();
    },
    // Slowly while none runs: a purge the schedule starts shows up without a reload.
    refetchInterval: (query) => (query.state.data?.some((j) => LIVE_PURGE.has(j.status)) ? 1500 : 15_000),
  });
  const live = q.data.filter((j) => LIVE_PURGE.has(j.status)).length;
  const wasLive = useRef(live);
  useEffect(() => {
    if (live < wasLive.current) router.refresh();
    wasLive.current = live;
  }, [live, router]);
  return (
    <div className="card overflow-x-auto">
      <table className="w-full text-sm" data-testid="purge-jobs">
        <thead className="bg-zinc-100 dark:bg-zinc-800/60">
          <tr>
            <th className="th">Table</th>
            <th className="th">Status</th>
            <th className="th min-w-40">Progress</th>
            <th className="th text-right">Completed</th>
            <th className="th text-right">Partial</th>
            <th className="th text-right">Failed</th>
            <th className="th">Trigger</th>
            <th className="th">Requested</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {q.data.map((j) => (
            <tr key={j.id} data-purge={j.id}>
              <td className="td">
                <Link href={`/jobs/purges/${j.id}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  {j.table}
                </Link>
              </td>
              <td className={`td font-medium ${statusText(j.status)}`} data-testid="purge-job-status">
                {j.status}
              </td>
              <td className="td">
                <div className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-valuenow={Math.round(j.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
                  <div className={`h-full ${BAR_STYLE[j.status] ?? "bg-indigo-500"}`} style={{ width: `${Math.round(j.progress * 100)}%` }} />
                </div>
                <div className="mt-0.5 text-xs text-zinc-500">
                  {formatNumber(j.subjects)}
                  {j.total != null ? ` of ${formatNumber(j.total)}` : ""} subjects
                </div>
              </td>
              <td className="td tabular text-right">{formatNumber(j.completed)}</td>
              <td className="td tabular text-right">{formatNumber(j.partial)}</td>
              <td className="td tabular text-right">{formatNumber(j.failed)}</td>
              <td className="td">{j.trigger}</td>
              <td className="td whitespace-nowrap text-zinc-500">{formatRelative(new Date(j.createdAt))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
