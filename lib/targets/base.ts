import type { Kysely, RawBuilder } from "kysely";
import type { Dialect } from "../config/types";
import { TargetError } from "./errors";
import { cannotBeOfFamily, typeFamily } from "./keys";
import type {
  ColumnInfo,
  ColumnsRef,
  DeclaredForeignKey,
  IndexInfo,
  KeyGroup,
  OrphanCount,
  ParentSoftDelete,
  SameTargetOrphanQuery,
  TableRef,
  Target,
  UniqueKey,
} from "./types";

/** Per-parent facts a lookup statement is built from. */
export interface LookupPlan {
  /** Declared column types, in key order ("" when unknown). */
  types: string[];
  /** MySQL: the server has JSON_TABLE (MySQL 8, MariaDB 10.6+). */
  jsonTable?: boolean;
}

/**
 * What every dialect shares: caching of the catalog, error mapping around every
 * statement. Subclasses supply the SQL (one small builder per statement).
 */
export abstract class BaseTarget implements Target {
  private cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly name: string,
    readonly dialect: Dialect,
    readonly db: Kysely<any>,
  ) {}

  protected abstract mapError(err: unknown): TargetError;
  protected abstract loadDefaultSchema(): Promise<string>;
  protected abstract loadForeignKeys(): Promise<DeclaredForeignKey[]>;
  protected abstract loadColumns(): Promise<ColumnInfo[]>;
  protected abstract loadUniqueKeys(): Promise<UniqueKey[]>;
  protected abstract loadIndexes(): Promise<IndexInfo[]>;
  protected abstract orphanCountQueries(q: SameTargetOrphanQuery): RawBuilder<any>[] | Promise<RawBuilder<any>[]>;
  protected abstract walkKeysQuery(child: ColumnsRef, after: unknown[] | null, limit: number): RawBuilder<any>;
  protected abstract missingKeysQuery(
    parent: ColumnsRef,
    plan: LookupPlan,
    keys: unknown[][],
    softDelete?: ParentSoftDelete,
  ): RawBuilder<{ ord: number | string }>;

  /** What a dialect needs to know before building lookups into `parent` (by default, its column types). */
  protected async lookupPlan(parent: ColumnsRef): Promise<LookupPlan> {
    return { types: await this.columnTypes(parent) };
  }
  abstract readonly inProcess: boolean;
  abstract lookupBatchSize(columnCount: number): number;
  abstract createIndexStatement(ref: ColumnsRef): string;
  protected abstract closeDriver(): Promise<void>;

  /** Runs a statement, turning driver errors into TargetError. */
  protected async run<R>(query: RawBuilder<R>): Promise<R[]> {
    try {
      const result = await query.execute(this.db);
      return result.rows;
    } catch (err) {
      throw err instanceof TargetError ? err : this.mapError(err);
    }
  }

  protected async guard<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw err instanceof TargetError ? err : this.mapError(err);
    }
  }

  protected cached<R>(key: string, load: () => Promise<R>): Promise<R> {
    let hit = this.cache.get(key) as Promise<R> | undefined;
    if (!hit) {
      hit = this.guard(load);
      this.cache.set(key, hit);
      hit.catch(() => this.cache.delete(key));
    }
    return hit;
  }

  defaultSchema() {
    return this.cached("schema", () => this.loadDefaultSchema());
  }
  foreignKeys() {
    return this.cached("fks", () => this.loadForeignKeys());
  }
  columns() {
    return this.cached("columns", () => this.loadColumns());
  }
  uniqueKeys() {
    return this.cached("unique", () => this.loadUniqueKeys());
  }
  indexes() {
    return this.cached("indexes", () => this.loadIndexes());
  }

  /**
   * Runs the dialect's statements for one relation: at once on a server (the row count
   * takes a second connection while the anti join runs), in turn in-process.
   */
  async countOrphans(q: SameTargetOrphanQuery): Promise<OrphanCount> {
    const statements = await this.guard(async () => this.orphanCountQueries(q));
    const rows = this.inProcess
      ? await statements.reduce<Promise<any[]>>(async (acc, s) => [...(await acc), (await this.run(s))[0]], Promise.resolve([]))
      : await Promise.all(statements.map(async (s) => (await this.run(s))[0]));
    let orphans = 0;
    let childRows = 0;
    for (const row of rows) {
      // each statement yields orphans, child_rows, or n (a plain row count: child rows)
      if (row.orphans != null) orphans = Number(row.orphans);
      if (row.child_rows != null) childRows = Number(row.child_rows);
      else if (row.n != null) childRows = Number(row.n);
    }
    return { orphans, childRows };
  }

  async countRows(table: TableRef): Promise<number> {
    const [row] = await this.run(this.countRowsQuery(table));
    return Number(row.n);
  }

  protected abstract countRowsQuery(table: TableRef): RawBuilder<{ n: number | string }>;

  async walkKeys(child: ColumnsRef, after: unknown[] | null, limit: number): Promise<KeyGroup[]> {
    const rows = await this.run(this.walkKeysQuery(child, after, limit));
    return rows.map((r: Record<string, unknown>) => ({
      key: child.columns.map((_, i) => r[`k${i}`]),
      rows: Number(r.n),
    }));
  }

  /**
   * Looks keys up in batches within the driver's parameter limits; a server takes two
   * batches at once (its pool has the connections), an in-process database one.
   */
  async missingKeys(parent: ColumnsRef, keys: unknown[][], softDelete?: ParentSoftDelete): Promise<number[]> {
    if (keys.length === 0) return [];
    const plan = await this.lookupPlan(parent);
    // Keys no row of the parent's column types could hold are missing without asking.
    const families = this.typedColumns ? (await this.columnTypes(parent)).map(typeFamily) : [];
    const impossible: number[] = [];
    const askAt: number[] = [];
    keys.forEach((key, i) => (key.some((v, c) => families[c] && cannotBeOfFamily(v, families[c])) ? impossible : askAt).push(i));
    const ask = askAt.map((i) => keys[i]);
    const size = this.lookupBatchSize(parent.columns.length);
    const starts = Array.from({ length: Math.ceil(ask.length / size) }, (_, i) => i * size);
    const missing: number[][] = [impossible];
    let next = 0;
    const worker = async () => {
      while (next < starts.length) {
        const b = next++;
        const rows = await this.run(this.missingKeysQuery(parent, plan, ask.slice(starts[b], starts[b] + size), softDelete));
        missing[b + 1] = rows.map((r) => askAt[starts[b] + Number(r.ord) - 1]);
      }
    };
    await Promise.all(Array.from({ length: this.inProcess ? 1 : 2 }, worker));
    return missing.flat().sort((a, b) => a - b);
  }

  /**
   * Whether a column's declared type bounds what it holds. SQLite's does not (an
   * INTEGER column can hold "abc"), so it answers for every key itself.
   */
  protected readonly typedColumns: boolean = true;

  /** The declared types of some columns, in order ("" when unknown). */
  async columnTypes(ref: ColumnsRef): Promise<string[]> {
    const all = await this.columns();
    return ref.columns.map(
      (c) => all.find((x) => x.schema === ref.schema && x.table === ref.table && x.column === c)?.dataType ?? "",
    );
  }

  async close(): Promise<void> {
    await this.closeDriver();
  }
}
