import { verifyChain } from "../../erasure/evidence";
import { openStore } from "../../store/client";
import { EXIT, type Output } from "../io";

/** `custodian verify-evidence`: walks the evidence chain; exit 1 at the first broken link. */
export async function verifyEvidenceCommand(out: Output): Promise<number> {
  const store = await openStore({ purpose: "custodian verify-evidence" });
  let report;
  try {
    report = await verifyChain(store);
  } finally {
    await store.close();
  }
  out.result(report, () =>
    report.ok
      ? `The evidence chain holds: ${report.records} records, head ${report.head}.`
      : `BROKEN at evidence #${report.broken!.id}: ${report.broken!.reason}. ${report.records} records before it hold (last good hash ${report.head}).`,
  );
  return report.ok ? EXIT.ok : EXIT.failed;
}
