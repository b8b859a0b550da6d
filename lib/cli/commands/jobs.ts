import { actorNames } from "../../audit/query";
import { cleanupStatus } from "../../cleanup/status";
import { recentPurges } from "../../softdelete/purge-control";
import { openStore } from "../../store/client";
import { EXIT, table, type Output } from "../io";

/** How many of each kind `custodian jobs` lists, newest first (the console's list shows as many). */
const LIMIT = 50;

/**
 * `custodian jobs`: the latest cleanup and purge jobs, newest first, as the console's Jobs
 * page lists them: status, progress, who asked and who approved (by email where known).
 */
export async function jobsCommand(out: Output): Promise<number> {
  const store = await openStore({ purpose: "custodian jobs" });
  try {
    const rows = await store.prisma.cleanupJob.findMany({ orderBy: { createdAt: "desc" }, take: LIMIT, select: { id: true } });
    const cleanups = (await Promise.all(rows.map((r) => cleanupStatus(store, r.id)))).filter((s) => s !== null);
    const purges = await recentPurges(store, LIMIT);
    const names = await actorNames(store, [...cleanups.flatMap((c) => [c.requestedBy, c.approvedBy]), ...purges.map((p) => p.requestedBy)]);
    const who = (id: string | null) => (id ? (names.get(id) ?? id) : null);
    const jobs = [
      ...cleanups.map((c) => ({
        kind: "cleanup" as const,
        id: c.id,
        of: c.relation,
        status: c.status,
        progress: c.progress,
        requestedBy: who(c.requestedBy),
        approvedBy: who(c.approvedBy),
        createdAt: c.createdAt,
        finishedAt: c.finishedAt,
        changed: c.deleted + c.nulled,
      })),
      ...purges.map((p) => ({
        kind: "purge" as const,
        id: p.id,
        of: p.table,
        status: p.status,
        progress: p.progress,
        requestedBy: who(p.requestedBy),
        approvedBy: null,
        createdAt: p.createdAt,
        finishedAt: p.finishedAt,
        changed: p.completed,
      })),
    ].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    out.result({ jobs }, () =>
      jobs.length
        ? table(
            [
              ["KIND", "ID", "OF", "STATUS", "DONE", "REQUESTED BY", "CREATED"],
              ...jobs.map((j) => [j.kind, j.id, j.of, j.status.replace(/_/g, " "), `${Math.round(j.progress * 100)}%`, j.requestedBy ?? "—", j.createdAt]),
            ],
            ["l", "l", "l", "l", "r", "l", "l"],
          )
        : "no jobs yet: start one with custodian cleanup --relation NAME --execute, or custodian purge --execute",
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
