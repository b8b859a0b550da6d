import { deadlineOf, describeDeadline } from "@/lib/erasure/deadline";

const TONE = {
  overdue: "rounded bg-red-100 px-2 py-0.5 font-semibold text-red-700 dark:bg-red-950 dark:text-red-300",
  due_soon: "rounded bg-amber-100 px-2 py-0.5 font-medium text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  open: "",
  answered: "text-zinc-500",
} as const;

/** Days left before the one-month answer deadline (GDPR Art. 12(3)), marked when near or past. */
export function DeadlineText({ request, now = new Date() }: { request: { receivedAt: Date; state: string }; now?: Date }) {
  const d = deadlineOf(request, now);
  const due = d.due.toISOString().slice(0, 10);
  return (
    <span
      className={TONE[d.state]}
      title={`Received ${request.receivedAt.toISOString().slice(0, 10)}; answer due ${due} (GDPR Art. 12(3))`}
      data-deadline={d.state}
    >
      {d.state === "answered" ? `answered (due ${due})` : `${describeDeadline(d)} · ${due}`}
    </span>
  );
}
