import { sql, type RawBuilder } from "kysely";
import type { Config } from "../config/types";
import { redacted } from "../targets/features/softdelete";
import { planPurge } from "./purge-plan";
import { redactionOf, type SoftDeleteTable } from "./tables";

/**
 * "Not purged yet" for a table whose subjects a purge keeps (by redaction: the table's
 * own `purge: redact`, or a redacted table below it): a row past grace still waits while its
 * PII is not redacted. Null when a purge deletes the subjects (their absence says it).
 */
export async function notYetRedacted(config: Config, sd: SoftDeleteTable): Promise<RawBuilder<unknown> | null> {
  const plan = await planPurge(config, sd);
  return plan.subject === "redact" ? sql`NOT ${redacted("r", redactionOf(sd.config))}` : null;
}
