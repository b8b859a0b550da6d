/**
 * One cross-target scan in a process of its own, so its peak RSS is its own:
 *   node --import tsx bench/cross-worker.ts <childDialect> <parentDialect>
 * Prints one JSON line: time, counts, peak RSS and RSS sampled along the walk.
 */
import { countOrphansAcross } from "../lib/detect/cross-target";
import { openTarget } from "../lib/targets/open";
import type { Dialect } from "../lib/config/types";
import { specFor } from "./targets";

const [childDialect, parentDialect] = process.argv.slice(2) as [Dialect, Dialect];
const child = await openTarget(specFor(childDialect, "child"));
const parent = await openTarget(specFor(parentDialect, "parent"));
const childSchema = await child.defaultSchema();
const parentSchema = await parent.defaultSchema();
const samples: number[] = [];
const started = performance.now();
const result = await countOrphansAcross(
  child,
  { schema: childSchema, table: "child", columns: ["parent_id"] },
  parent,
  { schema: parentSchema, table: "parent", columns: ["id"] },
  undefined,
  () => samples.push(process.memoryUsage().rss),
);
const ms = performance.now() - started;
await child.close();
await parent.close();
const mb = (b: number) => Math.round(b / 1048576);
console.log(
  JSON.stringify({
    ms,
    ...result,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    rssAtTenthMB: mb(samples[Math.floor(samples.length / 10)] ?? 0),
    rssAtEndMB: mb(samples[samples.length - 1] ?? 0),
    pages: samples.length,
  }),
);
process.exit(0);
