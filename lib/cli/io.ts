/** Exit codes are part of the CLI contract: cron jobs and scripts depend on them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, awaitingApproval: 3 } as const;

export interface Output {
  json: boolean;
  /** Human progress: always stderr, so stdout stays one JSON document under --json. */
  progress(line: string): void;
  /** The command's result: a JSON document under --json, else human text. */
  result(doc: unknown, human: () => string): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    progress: (line) => process.stderr.write(`${line}\n`),
    result(doc, human) {
      process.stdout.write(json ? `${JSON.stringify(doc, null, 2)}\n` : `${human()}\n`);
    },
  };
}

export function formatCount(n: number | null | undefined): string {
  return n == null ? "—" : n.toLocaleString("en-US");
}

export function table(rows: string[][], align: ("l" | "r")[] = []): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (align[i] === "r" ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
