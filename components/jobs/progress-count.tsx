import { formatNumber } from "@/lib/format";

/** One figure of a job's progress, with its whole beside it when known ("1,200 / 4,000"). */
export function ProgressCount({ label, value, of, testId }: { label: string; value: number; of?: number | null; testId?: string }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="tabular text-lg font-semibold" data-testid={testId}>
        {formatNumber(value)}
        {of ? <span className="text-sm font-normal text-zinc-500"> / {formatNumber(of)}</span> : null}
      </dd>
    </div>
  );
}
