import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load";
import { sweep } from "../detect/sweep";
import { resolveRelations } from "../relations/resolve";
import { suggestRelations } from "../relations/suggest";
import { TargetPool } from "../targets/pool";
import { buildDemo, DEMO_CONFIG } from "./build";
import { missingDemoDatabases } from "./paths";
import { DEMO_EXPECTED_ORPHANS } from "../../test/demo-expected";

describe("the demo databases", () => {
  let dir: string;
  let configFile: string;
  beforeAll(async () => {
    // a private copy: the committed config points at ./data beside it
    dir = mkdtempSync(path.join(tmpdir(), "custodian-demo-"));
    configFile = path.join(dir, "custodian.config.yaml");
    cpSync(DEMO_CONFIG, configFile);
    // what `npm start` asks before loading the builder: all missing before, none after
    expect(missingDemoDatabases(path.join(dir, "data"))).toEqual(["shop", "activity.db", "social.db", "codegraph.db"]);
    await buildDemo({ dir: path.join(dir, "data") });
    expect(missingDemoDatabases(path.join(dir, "data"))).toEqual([]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("hold exactly the injected orphans, relation by relation", async () => {
    const { results, failures } = await sweep(loadConfig(configFile));
    expect(failures).toEqual([]);
    const counts = Object.fromEntries(results.map((r) => [r.relation.name, r.error ?? r.orphans]));
    expect(counts).toEqual(DEMO_EXPECTED_ORPHANS);
  });

  it("suggest the relations nobody configured, with the parent they point at", async () => {
    const config = loadConfig(configFile);
    const pool = new TargetPool(config.targets);
    try {
      const { relations } = await resolveRelations(config, pool);
      const suggestions = await suggestRelations(config, pool, relations);
      const shown = suggestions.map(
        (s) => `${s.child.target}.${s.child.table}.${s.child.columns[0]} -> ${s.parent?.target}.${s.parent?.table}.${s.parent?.columns[0]}`,
      );
      expect(shown).toContain("social.customer_sessions.profile_id -> shop.users.id");
      expect(shown).toContain("codegraph.glossary.source_fqn -> codegraph.symbols.fqn");
      // configured and declared relations are never suggested again
      expect(shown.some((s) => s.startsWith("activity.customer_activity.profile_id"))).toBe(false);
      expect(shown.some((s) => s.startsWith("shop.comments.user_id"))).toBe(false);
      expect(suggestions.find((s) => s.child.table === "customer_sessions")?.evidence.join(" ")).toMatch(/another database/);
    } finally {
      await pool.close();
    }
  });

  it("rebuilds with --force to the same counts", async () => {
    const { built } = await buildDemo({ dir: path.join(dir, "data"), force: true });
    expect(built).toEqual(["shop", "activity", "social", "codegraph"]);
    const { results } = await sweep(loadConfig(configFile), { only: ["activity_profile", "shop.comments.user_id"] });
    expect(results.map((r) => r.orphans)).toEqual([DEMO_EXPECTED_ORPHANS.activity_profile, DEMO_EXPECTED_ORPHANS["shop.comments.user_id"]]);
  });
});
