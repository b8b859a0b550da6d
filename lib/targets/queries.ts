/**
 * What the Targets page reads: every configured target reached now, with its version,
 * a round trip, its protection settings (secrets left out) and its user's privileges on
 * each table a relation reads or cleans up.
 */
import { tableNeeds, type TableNeed } from "../cleanup/table-needs";
import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import { targetHealth, type TargetHealth } from "./health";
import { TargetPool } from "./pool";
import { sameTable, type TablePrivileges } from "./privileges";
import { describeLocation, protectionSettings } from "./settings";

export interface TargetView extends TargetHealth {
  location: string;
  settings: { key: string; value: string }[];
  tables: (TableNeed & { held: TablePrivileges | null; missing: TableNeed["needs"] })[];
}

export async function targetsPage(config: Config): Promise<TargetView[]> {
  const pool = new TargetPool(config.targets);
  try {
    // A target that cannot be reached is named by its own row: its relations are just not listed.
    const { relations } = await resolveRelations(config, pool);
    const needs = tableNeeds(relations);
    return await Promise.all(
      Object.values(config.targets).map(async (spec) => {
        const mine = needs.filter((n) => n.target === spec.name);
        const health = await targetHealth(spec, pool.get(spec.name), mine);
        return {
          ...health,
          location: describeLocation(spec.dialect, spec.url),
          settings: protectionSettings(spec),
          tables: mine.map((n) => {
            const held = health.privileges.find((p) => sameTable(p, n)) ?? null;
            return { ...n, held, missing: health.reachable ? n.needs.filter((p) => !held?.exists || !held[p]) : [] };
          }),
        };
      }),
    );
  } finally {
    await pool.close();
  }
}
