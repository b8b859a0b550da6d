"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { formatNumber } from "@/lib/format";
import type { PurgeStatus } from "@/lib/softdelete/purge-control";
import { LIVE_PURGE } from "./purge-progress";
import { statusText } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { TextLink } from "@/components/ui/text-link";
import { LocalTime } from "@/components/ui/local-time";

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
    <Table
      testId="purge-jobs"
      columns={[
        "Table",
        "Status",
        { label: "Progress", className: "min-w-40" },
        { label: "Completed", numeric: true },
        { label: "Partial", numeric: true },
        { label: "Failed", numeric: true },
        "Trigger",
        "Requested",
      ]}
    >
      {q.data.map((j) => (
        <tr key={j.id} data-purge={j.id}>
          <Td>
            <TextLink href={`/jobs/purges/${j.id}`} className="font-mono text-xs font-medium">
              {j.table}
            </TextLink>
          </Td>
          <Td className={`font-medium ${statusText(j.status)}`} data-testid="purge-job-status">
            {j.status}
          </Td>
          <Td>
            <div
              className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
              role="progressbar"
              aria-valuenow={Math.round(j.progress * 100)}
              aria-valuemin={0}
              aria-valuemax={100}
            >
              <div className={`h-full ${BAR_STYLE[j.status] ?? "bg-indigo-500"}`} style={{ width: `${Math.round(j.progress * 100)}%` }} />
            </div>
            <div className="mt-0.5 text-xs text-zinc-500">
              {formatNumber(j.subjects)}
              {j.total != null ? ` of ${formatNumber(j.total)}` : ""} subjects
            </div>
          </Td>
          <Td numeric>{formatNumber(j.completed)}</Td>
          <Td numeric>{formatNumber(j.partial)}</Td>
          <Td numeric>{formatNumber(j.failed)}</Td>
          <Td>{j.trigger}</Td>
          <Td className="whitespace-nowrap text-zinc-500">
            <LocalTime date={new Date(j.createdAt)} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
