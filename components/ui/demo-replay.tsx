import { replayProgress } from "@/lib/demo/replay-state";
import { AutoRefresh } from "./auto-refresh";
import { RunProgress } from "./run-progress";

/**
 * While a fresh demo replays its last month beside the server: how far it is, on every page
 * (the figures fill in day by day), and the page renders again until it is done.
 */
export function DemoReplayBanner() {
  const p = replayProgress();
  if (!p) return null;
  return (
    <div className="border-b border-indigo-200 bg-indigo-50 dark:border-indigo-900 dark:bg-indigo-950" data-testid="demo-replay">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2 sm:px-6">
        <RunProgress
          run={{ status: "running", done: p.done, total: p.days }}
          label={`preparing the demo: replaying its last month as real sweeps, day ${p.done} of ${p.days}`}
          testId="demo-replay-progress"
        />
        <span className="text-xs text-zinc-500">The charts and counts fill in as each day is swept; the pages stay usable meanwhile.</span>
      </div>
      <AutoRefresh everyMs={3000} />
    </div>
  );
}
