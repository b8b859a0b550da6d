import { describe, expect, it } from "vitest";
import { deadlineOf, describeDeadline, erasureDeadline } from "./deadline";

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe("the one-month answer deadline (GDPR Art. 12(3))", () => {
  it("falls on the same day the next month, or that month's last day", () => {
    expect(erasureDeadline(d("2026-03-15"))).toEqual(d("2026-04-15"));
    expect(erasureDeadline(d("2026-01-31"))).toEqual(d("2026-02-28"));
    expect(erasureDeadline(d("2028-01-30"))).toEqual(d("2028-02-29"));
    expect(erasureDeadline(d("2026-12-20"))).toEqual(d("2027-01-20"));
  });

  it("counts whole days left from today, and says when it is near or past", () => {
    const received = new Date("2026-11-01T16:30:00Z");
    expect(deadlineOf({ receivedAt: received, state: "pending" }, new Date("2026-11-10T09:00:00Z"))).toMatchObject({ daysLeft: 21, state: "open" });
    const soon = deadlineOf({ receivedAt: received, state: "incomplete" }, new Date("2026-11-25T23:59:00Z"));
    expect(soon).toMatchObject({ daysLeft: 6, state: "due_soon" });
    expect(describeDeadline(soon)).toBe("6 days left");
    expect(describeDeadline(deadlineOf({ receivedAt: received, state: "pending" }, new Date("2026-12-01T12:00:00Z")))).toBe("due today");
    const late = deadlineOf({ receivedAt: received, state: "pending" }, new Date("2026-12-04T00:00:00Z"));
    expect(late).toMatchObject({ daysLeft: -3, state: "overdue" });
    expect(describeDeadline(late)).toBe("3 days overdue");
  });

  it("is answered once verified complete, however late", () => {
    expect(deadlineOf({ receivedAt: d("2026-01-01"), state: "complete" }, d("2026-06-01")).state).toBe("answered");
  });
});
