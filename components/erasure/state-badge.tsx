import { StatusBadge } from "@/components/ui/status-badge";

const LABEL: Record<string, string> = { complete: "complete", incomplete: "incomplete", pending: "not verified", failed: "could not verify" };

/** An erasure request's verdict; "could not verify" is amber, not red: nothing is known yet. */
export function StateBadge({ state }: { state: string }) {
  return (
    <StatusBadge status={state in LABEL ? state : "pending"} tone={state === "failed" ? "warn" : undefined}>
      {LABEL[state] ?? state}
    </StatusBadge>
  );
}
