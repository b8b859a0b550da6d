import type { Config } from "../../config/types";
import { usageError } from "../../errors/user-error";
import { allowlistAddSchema } from "../../relations/allowlist.validation";
import { resolveRelations } from "../../relations/resolve";
import { sightingKey } from "../../sightings/record";
import { parseKeyInput } from "../../softdelete/keys";
import { openStore } from "../../store/client";
import { TargetPool } from "../../targets/pool";
import { audited, cliActor } from "../actor";
import { EXIT, type Output } from "../io";

export interface AllowOptions {
  relation?: string;
  key?: string;
  reason?: string;
  until?: string;
  as?: string;
}

/**
 * `custodian allow --relation NAME --key K --reason TEXT --until DATE --as EMAIL`: the
 * console's "keep this orphan" (an allowlist entry: cleanups skip the key until the date),
 * with the same input rules (lib/relations/allowlist.validation.ts), permission and audit.
 */
export async function allowCommand(config: Config, out: Output, opts: AllowOptions): Promise<number> {
  if (!opts.as) throw usageError("--as EMAIL is required: who allowlists this orphan");
  let key: string[];
  try {
    key = parseKeyInput(opts.key ?? "");
  } catch (err) {
    throw usageError(`--key: ${(err as Error).message}`);
  }
  const parsed = allowlistAddSchema.safeParse({
    relation: opts.relation ?? "",
    key: opts.key === undefined ? [] : key,
    reason: opts.reason ?? "",
    until: opts.until ?? "",
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usageError(`--${String(issue.path[0])}: ${opts[issue.path[0] as keyof AllowOptions] === undefined ? "required" : issue.message}`);
  }
  const input = parsed.data;
  const until = new Date(`${input.until}T23:59:59Z`);
  if (Number.isNaN(until.getTime())) throw usageError(`--until: ${input.until} is not a date`);
  if (until <= new Date()) throw usageError("--until: the expiry must be in the future");
  const pool = new TargetPool(config.targets);
  try {
    const { relations } = await resolveRelations(config, pool);
    if (!relations.some((r) => r.name === input.relation)) {
      throw usageError(`--relation: no relation is named "${input.relation}" (custodian discover lists them)`);
    }
  } finally {
    await pool.close();
  }
  const store = await openStore({ purpose: "custodian allow" });
  try {
    const act = {
      action: "allowlist.add",
      permission: "allowlist.manage",
      object: `relation:${input.relation}`,
      params: { relation: input.relation, until: input.until },
    } as const;
    const actor = await cliActor(store, opts.as, act);
    const entry = await audited(store, actor, act, () =>
      store.prisma.allowlistEntry.create({
        data: { relation: input.relation, key: sightingKey(input.key), reason: input.reason, until, createdBy: actor.userId },
      }),
    );
    out.result(
      { id: String(entry.id), relation: input.relation, key: input.key, until: until.toISOString() },
      () => `allowlisted ${input.relation} key ${input.key.join(", ")} until ${input.until} (entry ${entry.id}): cleanups skip it`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
