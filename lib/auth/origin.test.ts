import { describe, expect, it } from "vitest";
import { strictTransportSecurity } from "./origin";

describe("Strict-Transport-Security", () => {
  it("is sent when CUSTODIAN_URL is https, not otherwise", () => {
    expect(strictTransportSecurity({ CUSTODIAN_URL: "https://custodian.example.com" })).toBe("max-age=31536000; includeSubDomains");
    expect(strictTransportSecurity({ CUSTODIAN_URL: "http://custodian.internal:3000" })).toBeNull();
    expect(strictTransportSecurity({ PORT: "3000" })).toBeNull();
  });
});
