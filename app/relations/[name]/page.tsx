import { notFound } from "next/navigation";
import { Suspense } from "react";
import { z } from "zod";
import { OrphansChart } from "@/components/charts/orphans-chart";
import { Allowlist } from "@/components/cleanup/allowlist";
import { CleanupPanel } from "@/components/cleanup/cleanup-panel";
import { PreventionSection } from "@/components/prevention/prevention-section";
import { RangePicker } from "@/components/range-picker";
import { LiveOrphanRows, PreviewError } from "@/components/relations/live-orphan-rows";
import { LiveStatements } from "@/components/relations/live-statements";
import { RelationSummary } from "@/components/relations/relation-summary";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { BackLink } from "@/components/ui/page-header";
import { TextLink } from "@/components/ui/text-link";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { alertBadge } from "@/lib/alerts/describe";
import { relationHref } from "@/lib/dashboard/href";
import { isRange } from "@/lib/dashboard/series";
import { LocalTime } from "@/components/ui/local-time";
import { formatNumber } from "@/lib/format";
import { parseBack } from "@/lib/relations/preview-pages";
import { relationPage } from "@/lib/relations/queries";
import { serverConfig } from "@/lib/server/config";
import { getStore } from "@/lib/store/web";

export const dynamic = "force-dynamic";

// A page link's cursors are base64url (the way back: "~"-joined, "-" for the first page); anything else starts over.
const cursor = z
  .string()
  .max(2000)
  .regex(/^[\w-]+$/);
const query = z.object({
  range: z.string().optional(),
  after: cursor.optional().catch(undefined),
  back: z
    .string()
    .max(40_000)
    .regex(/^[\w~-]+$/)
    .optional()
    .catch(undefined),
});

export default async function RelationPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const name = decodeURIComponent((await params).name);
  const actor = await requirePage("relations.read", relationHref(name));
  const parsed = query.safeParse(await searchParams);
  const { range: rawRange, after, back } = parsed.success ? parsed.data : { range: undefined, after: undefined, back: undefined };
  const range = isRange(rawRange) ? rawRange : "7d";
  const config = serverConfig();
  const data = await relationPage(await getStore(), config, name, range);
  if (!data) notFound();
  const { scan, relation, points, alerts: mine, thresholds, allowlist, jobs, keyStates, graceDays } = data;
  // the live targets are read once, for the preview and the statements (components/relations/read-live.ts)
  const mayPreview = can(actor.roles, "orphans.preview");
  const liveVersion = new Date(scan.scannedAt).toISOString();
  const base = relationHref(name);
  const q = (p: Record<string, string | undefined>) => {
    const s = new URLSearchParams(Object.entries({ range, ...p }).filter(([, v]) => v) as [string, string][]);
    return `${base}?${s}`;
  };

  return (
    <div className="space-y-6">
      <div>
        <BackLink href="/relations">Relations</BackLink>
        <h1 className="mt-1 text-2xl font-semibold break-all" data-testid="relation-name">
          {name}
        </h1>
        <p className="mt-1 font-mono text-xs break-all text-zinc-500">
          {scan.childTarget}:{scan.childSchema}.{scan.childTable}({scan.childColumns.join(", ")}) → {scan.parentTarget}:{scan.parentSchema}.{scan.parentTable}(
          {scan.parentColumns.join(", ")}) · {scan.origin}
          {relation.parentSoftDelete && ` · parents soft-deleted over ${relation.parentSoftDelete.graceDays} days ago count as missing`}
        </p>
      </div>

      <RelationSummary
        name={name}
        scan={scan}
        points={points}
        range={range}
        keyStates={keyStates}
        graceDays={graceDays}
        alertNote={
          mine.length
            ? mine.map((a) => alertBadge(a.kind)).join(", ")
            : `alerts over ${formatNumber(thresholds.orphans)} or +${formatNumber(thresholds.growthPerDay)}/day`
        }
        alerting={mine.length > 0}
        mayClean={can(actor.roles, "cleanups.run")}
      />

      {can(actor.roles, "cleanups.run") && (
        <div id="cleanup" className="scroll-mt-4">
          <CleanupPanel relation={name} />
        </div>
      )}

      <PreventionSection relation={name} apply={can(actor.roles, "prevention.apply") ? { requireApproval: config.prevention.requireApproval } : null} />

      {scan.sightingsError && (
        <div className="card border-amber-300 p-4 text-sm dark:border-amber-800" data-testid="sightings-error">
          <p className="font-medium text-amber-800 dark:text-amber-300">
            The count above is stored, but this scan&apos;s orphan sightings could not be recorded: first-seen dates and the cleanup grace period are as of the
            sweep before.
          </p>
          <p className="mt-2 font-mono text-xs">{scan.sightingsError}</p>
        </div>
      )}

      {scan.indexAdvice && (
        <div className="card border-amber-300 p-4 text-sm dark:border-amber-800">
          <p className="font-medium text-amber-800 dark:text-amber-300">The child&apos;s key has no index: scans and cleanups of this relation will be slow.</p>
          <pre className="mt-2 font-mono text-xs whitespace-pre-wrap">{scan.indexAdvice}</pre>
        </div>
      )}

      <section className="card p-4">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-medium">Orphans over time</h2>
          <RangePicker current={range} href={(r) => q({ range: r, after, back })} />
        </div>
        {points.length < 2 ? (
          <p className="py-8 text-center text-sm text-zinc-500">Fewer than two sweeps in this range: widen it, or wait for the next sweep.</p>
        ) : (
          <OrphansChart points={points} series={[name]} height={220} />
        )}
      </section>

      <section className="scroll-mt-4 space-y-2" id="orphan-rows">
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
        ) : (
          // keyed by the page of rows: another page starts with a fresh boundary
          <ErrorBoundary key={after ?? ""} fallback={<PreviewError message="the page failed to show them" />}>
            <Suspense
              fallback={
                <p className="text-sm text-zinc-500" aria-busy="true">
                  Reading the orphan rows from the target…
                </p>
              }
            >
              <LiveOrphanRows
                relation={relation}
                targets={config.targets}
                graceDays={graceDays}
                after={after ?? null}
                back={parseBack(back)}
                href={(p) => `${q(p)}#orphan-rows`}
                version={liveVersion}
              />
            </Suspense>
          </ErrorBoundary>
        )}
      </section>

      {jobs.length > 0 && (
        <section className="space-y-1 text-sm" data-testid="relation-jobs">
          <h2 className="text-lg font-semibold">Cleanups of this relation</h2>
          <ul className="space-y-1">
            {jobs.map((j) => (
              <li key={j.id}>
                <TextLink href={`/jobs/${j.id}`}>
                  {j.action.replace(/_/g, " ")} · {j.status.replace("_", " ")}
                </TextLink>{" "}
                <span className="text-zinc-500">
                  <LocalTime date={j.createdAt} /> · {formatNumber(j.deleted + j.nulled)} changed
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <Allowlist relation={name} entries={allowlist} columns={scan.childColumns} editable={can(actor.roles, "allowlist.manage")} />

      <section className="space-y-2">
        <h2 className="text-lg font-semibold">What Custodian runs</h2>
        <p className="text-sm text-zinc-500">
          Read-only: the statements of this relation&apos;s scan, as sent to the database (values are bound, never spliced).
        </p>
        <ErrorBoundary fallback={<p className="text-sm text-zinc-500">The statements could not be shown.</p>}>
          <Suspense
            fallback={
              <p className="text-sm text-zinc-500" aria-busy="true">
                Compiling the statements for the target…
              </p>
            }
          >
            <LiveStatements relation={relation} targets={config.targets} after={after ?? null} mayPreview={mayPreview} version={liveVersion} />
          </Suspense>
        </ErrorBoundary>
      </section>
    </div>
  );
}
