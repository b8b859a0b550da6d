"use client";
import { RunProgress } from "@/components/ui/run-progress";
import { usePolledStatus } from "@/components/ui/use-polled-status";
import type { SweepStatus } from "@/lib/sweeps/status";

/**
 * Where figures are not there yet because the first sweep is still running: its progress
 * ("first sweep running: 5 of 17 relations"), then the page re-renders with the numbers.
 */
export function FirstSweep({ initial }: { initial: SweepStatus }) {
  const { status } = usePolledStatus<SweepStatus>("sweep", "/api/sweeps/status", initial.id);
  const s = status ?? initial;
  const label = s.total == null ? "first sweep starting: finding the relations…" : `first sweep running: ${s.done} of ${s.total} relations`;
  return (
    <div className="space-y-1" data-testid="first-sweep">
      <RunProgress
        run={{ ...s, status: s.status === "queued" ? "running" : s.status }}
        label={s.activity ? `first sweep: ${s.activity}` : label}
        testId="first-sweep-progress"
      />
      <p className="text-xs text-zinc-500">The figures appear here as soon as it ends; the pages stay usable meanwhile.</p>
    </div>
  );
}
