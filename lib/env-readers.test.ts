/**
 * lib/env.ts counts an empty variable as unset, and checks it so at start. The readers that
 * take their default from the environment must agree, or an empty value that passed the
 * check is used as a value: the data folder becomes the working directory, the erasure
 * schedule an empty cron, a sign-in limit 0.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { signInLimits } from "./auth/sign-in-limit";
import { erasureSchedule } from "./erasure/jobs";
import { dataDir } from "./store/paths";

describe("an empty environment variable is unset for its reader", () => {
  it("keeps the data folder at .custodian", () => {
    expect(dataDir({ CUSTODIAN_DATA_DIR: "" })).toBe(path.resolve(".custodian"));
  });
  it("keeps the nightly erasure schedule", () => {
    expect(erasureSchedule({ CUSTODIAN_ERASURE_SCHEDULE: "" })).toBe(erasureSchedule({}));
  });
  it("keeps the sign-in limits' defaults", () => {
    expect(signInLimits({ CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE: "", CUSTODIAN_SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE: "" })).toEqual(signInLimits({}));
  });
});
