import { describe, expect, it } from "vitest";
import { accountUrl } from "./account-url";

describe("accountUrl", () => {
  it("puts each key column's value, URL-encoded, in its placeholder", () => {
    expect(accountUrl("https://admin.example.com/users/{id}", ["id"], ["3047"])).toBe("https://admin.example.com/users/3047");
    expect(accountUrl("https://admin.example.com/t/{tenant}/members/{id}?tab=profile", ["tenant", "id"], ["acme corp", "7/8"])).toBe(
      "https://admin.example.com/t/acme%20corp/members/7%2F8?tab=profile",
    );
  });

  it("gives no link without a template, or when a placeholder names no key column", () => {
    expect(accountUrl(undefined, ["id"], ["1"])).toBeNull();
    expect(accountUrl("https://admin.example.com/users/{email}", ["id"], ["1"])).toBeNull();
  });
});
