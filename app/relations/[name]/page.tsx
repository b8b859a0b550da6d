import Link from "next/link";
import { notFound } from "next/navigation";
import { OrphansChart } from "@/components/charts/orphans-chart";
import { Allowlist, type AllowlistRow } from "@/components/cleanup/allowlist";
import { CleanupPanel } from "@/components/cleanup/cleanup-panel";
import { OrphanPreview } from "@/components/orphan-preview";
import { RangePicker } from "@/components/range-picker";
import { relationHref } from "@/lib/dashboard/href";
import { Tile } from "@/components/tile";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { alertBadge, isRelationAlert } from "@/lib/alerts/describe";
import { activeAlerts, thresholdsFor } from "@/lib/alerts/evaluate";
import { latestScanOf, relationOf } from "@/lib/dashboard/relation";
import { isRange, orphanSeries } from "@/lib/dashboard/series";
import { orphanPreview, type OrphanPreviewPage } from "@/lib/detect/preview";
import { relationStatements } from "@/lib/detect/statements";
import { formatDuration, formatNumber, formatRelative } from "@/lib/format";
import { serverConfig } from "@/lib/server/config";
import { getStore } from "@/lib/server/store";
import { sightingsOf } from "@/lib/sightings/record";
import { TargetPool } from "@/lib/targets/pool";

export const dynamic = "force-dynamic";

export default async function RelationPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<{ range?: string; after?: string }>;
}) {
  const name = decodeURIComponent((await params).name);
  const actor = await requirePage("relations.read", relationHref(name));
  const { range: rawRange, after } = await searchParams;
  const range = isRange(rawRange) ? rawRange : "7d";
  const store = await getStore();
  const config = serverConfig();
  const scan = await latestScanOf(store, name);
  if (!scan) notFound();
  const relation = relationOf(scan, config);
  const [points, alerts] = await Promise.all([orphanSeries(store, range, [name]), activeAlerts(store)]);
  const mine = alerts.filter((a) => isRelationAlert(a) && a.relation === name);
  const thresholds = thresholdsFor(config, name);

  // The preview and the statements read the live targets: this page is where a person asks to see rows.
  const mayPreview = can(actor.roles, "orphans.preview");
  const pool = new TargetPool(config.targets);
  let preview: OrphanPreviewPage | null = null;
  let previewError: string | null = null;
  let statements: { purpose: string; sql: string }[] = [];
  try {
    statements = await relationStatements(relation, pool).catch(() => []);
    if (mayPreview) preview = await orphanPreview(relation, pool, { after: after ?? null });
  } catch (err) {
    previewError = (err as Error).message;
  } finally {
    await pool.close();
  }
  const sightings = preview ? await sightingsOf(store, name, preview.keys) : new Map();
  const now = new Date();
  const [stored, jobs] = await Promise.all([
    store.prisma.allowlistEntry.findMany({ where: { relation: name, removedAt: null }, orderBy: { createdAt: "desc" } }),
    store.prisma.cleanupJob.findMany({ where: { relation: name }, orderBy: { createdAt: "desc" }, take: 5 }),
  ]);
  const allowlist: AllowlistRow[] = [
    ...(relation.config?.allow ?? []).map((a) => {
      const until = new Date(a.until);
      return { id: null, key: a.key.map(String), reason: a.reason, until: until.toISOString().slice(0, 10), source: "config" as const, expired: until <= now };
    }),
    ...stored.map((e) => ({ id: String(e.id), key: JSON.parse(e.key) as string[], reason: e.reason, until: e.until.toISOString().slice(0, 10), source: "console" as const, expired: e.until <= now })),
  ];
  const base = relationHref(name);
  const q = (p: Record<string, string | undefined>) => {
    const s = new URLSearchParams(Object.entries({ range, ...p }).filter(([, v]) => v) as [string, string][]);
    return `${base}?${s}`;
  };

  return (
    <div className="space-y-6">
      <div>
        <Link href="/relations" className="text-sm text-zinc-500 hover:underline">
          ← Relations
        </Link>
        <h1 className="mt-1 break-all text-2xl font-semibold" data-testid="relation-name">
          {name}
        </h1>
        <p className="mt-1 font-mono text-xs text-zinc-500">
          {scan.childTarget}:{scan.childSchema}.{scan.childTable}({scan.childColumns.join(", ")}) → {scan.parentTarget}:{scan.parentSchema}.
          {scan.parentTable}({scan.parentColumns.join(", ")}) · {scan.origin}
          {relation.parentSoftDelete && ` · parents soft-deleted over ${relation.parentSoftDelete.graceDays} days ago count as missing`}
        </p>
      </div>

      <section className="grid gap-4 sm:grid-cols-3">
        <Tile
          label="Orphans"
          value={scan.error ? "failed" : formatNumber(scan.orphans)}
          testId="relation-orphans"
          tone={scan.error || mine.length ? "bad" : undefined}
          note={scan.error ? `${scan.errorKind}: ${scan.error}` : mine.length ? mine.map((a) => alertBadge(a.kind)).join(", ") : `alerts over ${formatNumber(thresholds.orphans)} or +${formatNumber(thresholds.growthPerDay)}/day`}
        />
        <Tile label="Child rows examined" value={formatNumber(scan.childRows)} note={`scan took ${formatDuration(scan.durationMs)}`} />
        <Tile label="Last scanned" value={formatRelative(scan.scannedAt)} note={scan.scannedAt.toISOString()} />
      </section>

      {scan.sightingsError && (
        <div className="card border-amber-300 p-4 text-sm dark:border-amber-800" data-testid="sightings-error">
          <p className="font-medium text-amber-800 dark:text-amber-300">
            The count above is stored, but this scan&apos;s orphan sightings could not be recorded: first-seen dates and the cleanup grace period are as of the sweep before.
          </p>
          <p className="mt-2 font-mono text-xs">{scan.sightingsError}</p>
        </div>
      )}

      {scan.indexAdvice && (
        <div className="card border-amber-300 p-4 text-sm dark:border-amber-800">
          <p className="font-medium text-amber-800 dark:text-amber-300">The child&apos;s key has no index: scans and cleanups of this relation will be slow.</p>
          <pre className="mt-2 whitespace-pre-wrap font-mono text-xs">{scan.indexAdvice}</pre>
        </div>
      )}

      <section className="card p-4">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-medium">Orphans over time</h2>
          <RangePicker current={range} href={(r) => q({ range: r, after })} />
        </div>
        {points.length < 2 ? (
          <p className="py-8 text-center text-sm text-zinc-500">Fewer than two sweeps in this range: widen it, or wait for the next sweep.</p>
        ) : (
          <OrphansChart points={points} series={[name]} height={220} />
        )}
      </section>

      <section className="space-y-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">Orphan rows</h2>
          {can(actor.roles, "orphans.export") && (
            <a className="btn-secondary" href={`/api/relations/orphans.csv?name=${encodeURIComponent(name)}`} download data-testid="export-csv">
              Export all as CSV
            </a>
          )}
        </div>
        {!mayPreview ? (
          <p className="text-sm text-zinc-500">Your role does not show row data.</p>
        ) : previewError ? (
          <div className="card border-red-300 p-4 text-sm text-red-700 dark:border-red-900 dark:text-red-300" data-testid="preview-error">
            Could not read the orphan rows: {previewError}. The counts above come from the last sweep; check the target&apos;s connection.
          </div>
        ) : (
          preview && (
            <OrphanPreview
              page={preview}
              sightings={sightings}
              nextHref={preview.next ? q({ after: preview.next }) : null}
              firstHref={after ? q({ after: undefined }) : null}
            />
          )
        )}
      </section>

      {can(actor.roles, "cleanups.run") && <CleanupPanel relation={name} />}

      {jobs.length > 0 && (
        <section className="space-y-1 text-sm" data-testid="relation-jobs">
          <h2 className="text-lg font-semibold">Cleanups of this relation</h2>
          <ul className="space-y-1">
            {jobs.map((j) => (
              <li key={j.id}>
                <Link href={`/jobs/${j.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  {j.action.replace(/_/g, " ")} · {j.status.replace("_", " ")}
                </Link>{" "}
                <span className="text-zinc-500">
                  {formatRelative(j.createdAt)} · {formatNumber(j.deleted + j.nulled)} changed
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <Allowlist relation={name} entries={allowlist} columns={scan.childColumns} editable={can(actor.roles, "allowlist.manage")} />

      <section className="space-y-2">
        <h2 className="text-lg font-semibold">What Custodian runs</h2>
        <p className="text-sm text-zinc-500">Read-only: the statements of this relation&apos;s scan, as sent to the database (values are bound, never spliced).</p>
        {statements.length === 0 ? (
          <p className="text-sm text-zinc-500">The statements cannot be shown while the target is unreachable.</p>
        ) : (
          statements.map((s, i) => (
            <div key={i} className="card p-3">
              <div className="text-xs text-zinc-500">{s.purpose}</div>
              <pre className="mt-1 overflow-x-auto whitespace-pre font-mono text-xs" data-testid="relation-sql">
                {s.sql}
              </pre>
            </div>
          ))
        )}
      </section>
    </div>
  );
}
