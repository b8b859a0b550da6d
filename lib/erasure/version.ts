import pkg from "../../package.json" with { type: "json" };

/** The Custodian version recorded with each verification (package.json). */
export const CUSTODIAN_VERSION: string = pkg.version;
