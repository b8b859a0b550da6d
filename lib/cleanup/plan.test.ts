import { describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import type { Relation } from "../relations/types";
import { batchSizes } from "./plan";

/** How a cleanup's batches are sized: from batchSize, growing while quick up to maxBatchSize (lib/jobs/batch-size.ts). */
describe("a cleanup's batch sizes", () => {
  const config = (cleanup: Record<string, unknown> | undefined, defaults?: Record<string, unknown>) => {
    const c = validateConfig(
      {
        targets: { db: { dialect: "sqlite", url: "file:unused.db" } },
        relations: [
          {
            name: "r",
            child: { target: "db", table: "c", columns: ["p"] },
            parent: { target: "db", table: "p", columns: ["id"] },
            ...(cleanup ? { cleanup } : {}),
          },
        ],
        ...(defaults ? { cleanup: defaults } : {}),
      },
      "/tmp/custodian.config.yaml",
      {},
    );
    return { config: c, relation: { name: "r", config: c.relations[0] } as unknown as Relation };
  };

  it("grow from the default 1,000 up to the default 20,000", () => {
    const { config: c, relation } = config(undefined);
    expect(batchSizes(c, relation)).toEqual({ batchSize: 1000, maxBatchSize: 20_000 });
  });

  it("stay at the batch size a relation names, unless it names a maximum too", () => {
    let { config: c, relation } = config({ action: "delete", batchSize: 200 });
    expect(batchSizes(c, relation)).toEqual({ batchSize: 200, maxBatchSize: 200 });
    ({ config: c, relation } = config({ action: "delete", batchSize: 200, maxBatchSize: 5000 }));
    expect(batchSizes(c, relation)).toEqual({ batchSize: 200, maxBatchSize: 5000 });
  });

  it("follow the defaults' maximum, never below the first batch", () => {
    let { config: c, relation } = config(undefined, { batchSize: 500, maxBatchSize: 2000 });
    expect(batchSizes(c, relation)).toEqual({ batchSize: 500, maxBatchSize: 2000 });
    ({ config: c, relation } = config({ action: "delete", maxBatchSize: 100 }, { batchSize: 500 }));
    expect(batchSizes(c, relation)).toEqual({ batchSize: 500, maxBatchSize: 500 });
  });
});
