import { serverConfig } from "../server/config";
import { TargetPool } from "../targets/pool";
import { proposePrevention } from "./propose";
import type { Proposal } from "./types";

/** The proposals of these relations (all when none are named), counted live from the targets. */
export async function preventionProposals(only: string[] = []): Promise<Proposal[]> {
  const config = serverConfig();
  const pool = new TargetPool(config.targets);
  try {
    return await proposePrevention(config, pool, { only });
  } finally {
    await pool.close();
  }
}
