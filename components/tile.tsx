import Link from "next/link";

export function Tile({
  label,
  value,
  note,
  tone,
  href,
  testId,
}: {
  label: string;
  value: string;
  note?: React.ReactNode;
  tone?: "bad" | "good";
  href?: string;
  testId?: string;
}) {
  const body = (
    <>
      <div className="text-xs tracking-wide text-zinc-500 uppercase">{label}</div>
      <div className="tabular mt-1 text-2xl font-semibold" data-testid={testId}>
        {value}
      </div>
      {note && <div className={`mt-1 text-xs ${tone === "bad" ? "text-red-600 dark:text-red-400" : "text-zinc-500"}`}>{note}</div>}
    </>
  );
  return href ? (
    <Link href={href} className="card block p-4 hover:border-indigo-400">
      {body}
    </Link>
  ) : (
    <div className="card p-4">{body}</div>
  );
}
