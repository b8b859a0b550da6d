import { usageError } from "../errors/user-error";
import { useSmallPGliteBufferPool } from "../pglite/buffer-pool";
import { openPGliteTargetsInThreads } from "../pglite/threads";
import { embeddedStoreDir } from "../store/paths";
import { optionalConfig, requireConfig } from "./config-file";
import type { Output } from "./io";
import type { CliValues } from "./options";
import { skipWasmOptimisation } from "./wasm-tiering";

/**
 * Runs one command, loading only its module: the embedded store, the drivers and the
 * job runtime are opened by the commands that use them, not by every invocation.
 * `rest` is what followed the command's name (a sub-command, a job id).
 */
export async function runCommand(command: string, rest: string[], values: CliValues, out: Output): Promise<number> {
  // every command but the worker runs once and exits: a smaller PGlite buffer pool starts faster,
  // an embedded target opens in a thread of its own while the embedded store opens here, and
  // WebAssembly is not optimised (it would cost more than the command runs)
  if (command !== "worker") {
    skipWasmOptimisation();
    useSmallPGliteBufferPool();
    openPGliteTargetsInThreads({ except: [embeddedStoreDir()] });
  }
  switch (command) {
    case "demo":
      return (await import("./commands/demo")).demoCommand(out, values.force);
    case "store":
      return (await import("./commands/store")).storeCommand(out, rest[0], values.role);
    case "verify-evidence":
      return (await import("./commands/verify-evidence")).verifyEvidenceCommand(out, {
        config: optionalConfig(values.config),
        publicKeyFile: values["public-key"],
        expectHead: values["expect-head"],
      });
    case "verify-audit":
      return (await import("./commands/verify-audit")).verifyAuditCommand(out, { config: optionalConfig(values.config), expectHead: values["expect-head"] });
    case "scan":
      return (await import("./commands/scan")).scanCommand(requireConfig(values.config), out, values.relation ?? []);
    case "sweep":
      return (await import("./commands/sweep")).sweepCommand(requireConfig(values.config), out, { only: values.relation ?? [], wait: values.wait });
    case "prevent":
      return (await import("./commands/prevent")).preventCommand(requireConfig(values.config), out, {
        relations: values.relation ?? [],
        execute: values.execute,
        sqlDir: values["sql-dir"],
        as: values.as,
      });
    case "discover":
      return (await import("./commands/discover")).discoverCommand(requireConfig(values.config), out);
    case "cleanup": {
      const relation = values.relation ?? [];
      if (relation.length !== 1) throw usageError("cleanup needs exactly one --relation NAME");
      const raw = values["batch-size"];
      const batchSize = raw === undefined ? undefined : Number(raw);
      if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
        throw usageError("--batch-size must be a whole number from 1 to 100000");
      }
      if (values.as !== undefined && !values.execute) throw usageError("--as names who runs the cleanup: it goes with --execute");
      const config = requireConfig(values.config);
      return (await import("./commands/cleanup")).cleanupCommand(config, out, { relation: relation[0], execute: values.execute, batchSize, as: values.as });
    }
    case "worker":
      return (await import("./commands/worker")).workerCommand(requireConfig(values.config), out);
    case "verify-erasure":
      return (await import("./commands/verify-erasure")).verifyErasureCommand(requireConfig(values.config), out, values.subject);
    case "purge": {
      const config = requireConfig(values.config);
      return (await import("./commands/purge")).purgeCommand(config, out, { table: values.table, execute: values.execute, as: values.as });
    }
    case "restore": {
      if (!values.table || !values.key) throw usageError("restore needs --table TARGET.TABLE and --key K");
      const config = requireConfig(values.config);
      return (await import("./commands/restore")).restoreCommand(config, out, { table: values.table, key: values.key, execute: values.execute, as: values.as });
    }
    case "jobs":
      return (await import("./commands/jobs")).jobsCommand(out);
    case "job":
      return (await import("./commands/job")).jobCommand(out, {
        id: rest[0],
        verb: rest[1],
        as: values.as,
        rows: values.rows,
        reason: values.reason,
        config: () => requireConfig(values.config),
      });
    case "allow": {
      const config = requireConfig(values.config);
      return (await import("./commands/allow")).allowCommand(config, out, {
        relation: values.relation?.[0],
        key: values.key,
        reason: values.reason,
        until: values.until,
        as: values.as,
      });
    }
    case "config":
      return (await import("./commands/config")).configCommand(out, rest[0]);
    case "erasure":
      return (await import("./commands/erasure")).erasureCommand(out, {
        verb: rest[0],
        file: rest[1],
        subject: values.subject,
        key: values.key,
        received: values.received,
        as: values.as,
        config: () => requireConfig(values.config),
      });
    case "evidence":
      return (await import("./commands/evidence")).evidenceCommand(out, {
        verb: rest[0],
        from: values.from,
        to: values.to,
        request: values.request,
        format: values.format,
        out: values.out,
        as: values.as,
      });
  }
  throw usageError(`unknown command "${command}"`);
}
