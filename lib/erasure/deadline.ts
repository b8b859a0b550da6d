/**
 * The answer deadline of an erasure request: "without undue delay and in any event within
 * one month of receipt of the request" (GDPR Art. 12(3)). One calendar month from the day
 * it was received, in UTC; a day the next month lacks (31 January) falls on that month's
 * last day. Extensions (two further months, Art. 12(3)) are the DPO's to decide and not
 * counted here.
 */
export const DUE_SOON_DAYS = 7;
const DAY = 86_400_000;

export function erasureDeadline(receivedAt: Date): Date {
  const y = receivedAt.getUTCFullYear();
  const m = receivedAt.getUTCMonth() + 1;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(receivedAt.getUTCDate(), last)));
}

export type DeadlineState = "answered" | "overdue" | "due_soon" | "open";

export interface Deadline {
  due: Date;
  /** Whole days from today (UTC) to the due day: 0 on the day itself, negative once past. */
  daysLeft: number;
  state: DeadlineState;
}

/** Where a request stands against its deadline; a verified-complete request has been answered. */
export function deadlineOf(r: { receivedAt: Date; state: string }, now = new Date()): Deadline {
  const due = erasureDeadline(r.receivedAt);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const daysLeft = Math.round((due.getTime() - today) / DAY);
  const state: DeadlineState = r.state === "complete" ? "answered" : daysLeft < 0 ? "overdue" : daysLeft <= DUE_SOON_DAYS ? "due_soon" : "open";
  return { due, daysLeft, state };
}

/** "12 days left", "due today", "3 days overdue". */
export function describeDeadline(d: Deadline): string {
  if (d.daysLeft === 0) return "due today";
  if (d.daysLeft > 0) return `${d.daysLeft} day${d.daysLeft === 1 ? "" : "s"} left`;
  return `${-d.daysLeft} day${d.daysLeft === -1 ? "" : "s"} overdue`;
}
