import { formatDuration } from "@/lib/format";

/**
 * A job waiting for its target's load (lib/targets/throttle.ts): why, while it waits
 * ("throttled: replica lag 3.2 s > 1 s"), and the time it has spent throttled in all.
 */
export function ThrottleStatus({ reason, seconds }: { reason: string | null; seconds: number }) {
  if (!reason && seconds < 1) return null;
  return (
    <p
      className={`text-sm ${reason ? "rounded-md bg-amber-50 px-3 py-2 text-amber-800 dark:bg-amber-950 dark:text-amber-200" : "text-zinc-500"}`}
      data-testid="job-throttle"
    >
      {reason ? `throttled: ${reason}` : "not throttled now"}
      {seconds >= 1 && ` · ${formatDuration(seconds * 1000)} throttled in all`}
    </p>
  );
}
