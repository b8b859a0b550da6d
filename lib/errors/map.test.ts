import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors";
import { SubjectError } from "../erasure/subjects";
import { TargetError } from "../targets/errors";
import { userErrorOf } from "./map";
import { notFound, UserError } from "./user-error";

describe("userErrorOf", () => {
  it("passes a UserError through as it is, kind and message", () => {
    const err = notFound("no such cleanup job");
    expect(userErrorOf(err)).toBe(err);
    expect(err.kind).toBe("not_found");
  });

  it("maps domain errors by what they are: a bad config or an unknown subject is the person's usage", () => {
    expect(userErrorOf(new ConfigError("c.yaml", "targets.shop.url", "expected a URL", 3))).toMatchObject({
      kind: "usage",
      message: "c.yaml:3: targets.shop.url: expected a URL",
    });
    expect(userErrorOf(new SubjectError("unknown subject shop.users"))).toMatchObject({ kind: "usage", name: "SubjectError" });
  });

  it("maps a target's failure by its kind, keeping the message that names the target", () => {
    expect(userErrorOf(new TargetError("unreachable", "shop", "cannot reach target shop"))).toMatchObject({
      kind: "unreachable",
      message: "cannot reach target shop",
    });
    expect(userErrorOf(new TargetError("locked", "shop", "lock wait on shop"))?.kind).toBe("timeout");
    expect(userErrorOf(new TargetError("unknown_table", "shop", "no table shop.orders"))?.kind).toBe("not_found");
  });

  it("returns null for a defect, so it is logged and masked rather than shown", () => {
    expect(userErrorOf(new TypeError("x is undefined"))).toBeNull();
    expect(userErrorOf("a string")).toBeNull();
    expect(new UserError("refused", "no") instanceof Error).toBe(true);
  });
});
