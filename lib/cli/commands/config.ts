import { configJsonSchema } from "../../config/json-schema";
import { usageError } from "../../errors/user-error";
import { EXIT, type Output } from "../io";

/** `custodian config schema`: the config's JSON Schema on stdout (it is JSON with or without --json). */
export function configCommand(out: Output, sub: string | undefined): number {
  if (sub !== "schema") throw usageError(`expected "custodian config schema"${sub ? `, not "${sub}"` : ""}`);
  const schema = configJsonSchema();
  out.result(schema, () => JSON.stringify(schema, null, 2));
  return EXIT.ok;
}
