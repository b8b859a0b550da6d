import Link from "next/link";
import { RelationTable } from "@/components/relation-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td } from "@/components/ui/table";
import { TextLink } from "@/components/ui/text-link";
import { requirePage } from "@/lib/auth/guard";
import { defaultDir, relationListQuery, searchRelations, sortRelations, type RelationSort } from "@/lib/dashboard/relation-list";
import { loadRelationRows, loadSuggestions } from "@/lib/dashboard/relations";
import { getStore } from "@/lib/store/web";

export const dynamic = "force-dynamic";

export default async function RelationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage("relations.read", "/relations");
  const raw = await searchParams;
  const target = typeof raw.target === "string" ? raw.target : undefined;
  const orphans = typeof raw.orphans === "string" ? raw.orphans : undefined;
  const { q, sort, dir } = relationListQuery.parse(raw);
  const store = await getStore();
  const [all, suggestions] = await Promise.all([loadRelationRows(store), loadSuggestions(store)]);
  const targets = [...new Set(all.flatMap((r) => [r.childTarget, r.parentTarget]))].sort();
  const filtered = all.filter(
    (r) => (!target || r.childTarget === target || r.parentTarget === target) && (orphans !== "1" || Number(r.orphans ?? 0) > 0 || r.error),
  );
  const rows = sortRelations(searchRelations(filtered, q), sort, dir);
  const link = (p: Record<string, string | undefined>) => {
    const params = new URLSearchParams(Object.entries({ target, orphans, q, sort, dir, ...p }).filter(([, v]) => v) as [string, string][]);
    return `/relations${params.size ? `?${params}` : ""}`;
  };
  // a column's header sorts by it; again, the other way
  const sortHref = (column: RelationSort) => {
    const current = sort === column ? (dir ?? defaultDir(column)) : null;
    const next = current ? (current === "asc" ? "desc" : "asc") : defaultDir(column);
    return link({ sort: column, dir: next });
  };
  return (
    <div className="space-y-6">
      <PageHeader
        title="Relations"
        description="Declared foreign keys are discovered in every target; configured ones come from the config file, also across databases."
      />
      <form action="/relations" className="flex flex-wrap items-center gap-2" role="search" data-testid="relation-search">
        {Object.entries({ target, orphans, sort, dir }).map(([k, v]) => v && <input key={k} type="hidden" name={k} value={v} />)}
        <label htmlFor="relation-q" className="sr-only">
          Search relations
        </label>
        <input
          id="relation-q"
          name="q"
          type="search"
          defaultValue={q}
          placeholder="Search by name, table or target"
          className="input w-full max-w-sm"
          data-testid="relation-q"
        />
        <button className="btn-secondary">Search</button>
        {q && (
          <Link href={link({ q: undefined })} className="text-sm text-zinc-500 underline">
            clear
          </Link>
        )}
      </form>
      <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="relation-filters">
        <span className="text-zinc-500">Target:</span>
        <Link href={link({ target: undefined })} className={!target ? "font-semibold" : "hover:underline"}>
          all
        </Link>
        {targets.map((t) => (
          <Link key={t} href={link({ target: t })} className={t === target ? "font-semibold" : "hover:underline"}>
            {t}
          </Link>
        ))}
        <span className="ml-4 text-zinc-500">Show:</span>
        <Link href={link({ orphans: undefined })} className={orphans !== "1" ? "font-semibold" : "hover:underline"}>
          every relation
        </Link>
        <Link href={link({ orphans: "1" })} className={orphans === "1" ? "font-semibold" : "hover:underline"}>
          with orphans or errors
        </Link>
      </div>
      {all.length === 0 ? (
        <EmptyState>No relation has been scanned yet. The first sweep runs at start; check the server log if it did not.</EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState testId="relations-none-match">
          No relation matches {q ? <>&ldquo;{q}&rdquo; with </> : ""}these filters. <TextLink href="/relations">Show every relation</TextLink>.
        </EmptyState>
      ) : (
        <RelationTable rows={rows} sort={sort ?? "relation"} dir={dir ?? defaultDir(sort ?? "relation")} sortHref={sortHref} />
      )}

      <section className="space-y-2" data-testid="suggestions">
        <h2 className="text-lg font-semibold">Suggested relations</h2>
        <p className="text-sm text-zinc-500">
          Columns that look like references but no foreign key or configured relation covers. Never scanned until you confirm one by adding it under{" "}
          <code className="font-mono">relations:</code> in the config.
        </p>
        {suggestions.length === 0 ? (
          <EmptyState>None: every column that looks like a reference is covered.</EmptyState>
        ) : (
          <Table columns={["Column", "Probably points at", "Confidence", "Evidence"]}>
            {suggestions.map((s, i) => (
              <tr key={i} data-suggestion={`${s.child.target}.${s.child.table}.${s.child.columns.join("+")}`}>
                <Td className="font-mono text-xs">
                  {s.child.target}:{s.child.schema}.{s.child.table}({s.child.columns.join(", ")})
                </Td>
                <Td className="font-mono text-xs">
                  {s.parent ? `${s.parent.target}:${s.parent.schema}.${s.parent.table}(${s.parent.columns.join(", ")})` : "no matching table found"}
                </Td>
                <Td>{s.confidence}</Td>
                <Td className="text-xs text-zinc-500">{s.evidence.join("; ")}</Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </div>
  );
}
