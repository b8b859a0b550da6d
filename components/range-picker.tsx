import Link from "next/link";
import { RANGES, type Range } from "@/lib/dashboard/series";

const LABEL: Record<Range, string> = { "24h": "24 h", "7d": "7 days", "30d": "30 days", all: "All" };

export function RangePicker({ current, href }: { current: Range; href: (r: Range) => string }) {
  return (
    <div className="inline-flex overflow-hidden rounded-md border border-zinc-300 text-sm dark:border-zinc-700" role="group" aria-label="Range">
      {(Object.keys(RANGES) as Range[]).map((r) => (
        <Link
          key={r}
          href={href(r)}
          aria-current={r === current ? "true" : undefined}
          className={`px-3 py-1 ${r === current ? "bg-indigo-600 text-white" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
        >
          {LABEL[r]}
        </Link>
      ))}
    </div>
  );
}
