import { describe, expect, it } from "vitest";
import { attachment, exportFileName } from "./export-name";

const day = new Date("2026-03-04T23:59:00Z");

describe("exportFileName", () => {
  it("names a download custodian-<what>-<yyyy-mm-dd>.<ext>", () => {
    expect(exportFileName("audit", "csv", day)).toBe("custodian-audit-2026-03-04.csv");
    expect(exportFileName("orphans shop.payments.order_id", ".csv", day)).toBe("custodian-orphans-shop.payments.order_id-2026-03-04.csv");
  });

  it("keeps only safe characters, whatever a relation is called", () => {
    expect(exportFileName('Orphans "a/b"+c', "pdf", day)).toBe("custodian-orphans-a-b-c-2026-03-04.pdf");
    expect(exportFileName("///", "pem", day)).toBe("custodian-export-2026-03-04.pem");
  });

  it("quotes nothing a header could be broken with", () => {
    expect(attachment('a"b\r\n.csv')).toBe('attachment; filename="a_b__.csv"');
  });
});
