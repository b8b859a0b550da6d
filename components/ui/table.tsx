/**
 * The one table of the console (after formbricks' modules/ui/components/table): a card that
 * scrolls sideways, a shaded header row and divided body rows. Pages give the columns and
 * render their own rows with <Td>; nothing here knows what a row is.
 */
export interface Column {
  label?: React.ReactNode;
  /** right-aligned (numbers) */
  numeric?: boolean;
  className?: string;
}

export function Table({
  columns,
  children,
  testId,
  className = "",
  framed = true,
  dense = false,
}: {
  /** a string is a plain left-aligned column */
  columns: (string | Column)[];
  children: React.ReactNode;
  testId?: string;
  className?: string;
  /** false inside a card that is already there */
  framed?: boolean;
  /** extra-small text: rows of raw data */
  dense?: boolean;
}) {
  const table = (
    <table className={`w-full ${dense ? "text-xs" : "text-sm"} ${className}`} data-testid={testId}>
      <thead className="bg-zinc-100 dark:bg-zinc-800/60">
        <tr>
          {columns.map((c, i) => {
            const col = typeof c === "string" ? { label: c } : c;
            return (
              <th key={i} className={`th ${col.numeric ? "text-right" : ""} ${col.className ?? ""}`}>
                {col.label}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</tbody>
    </table>
  );
  return framed ? <div className="card overflow-x-auto">{table}</div> : <div className="overflow-x-auto">{table}</div>;
}

/** A cell; `numeric` right-aligns it in tabular figures. */
export function Td({ numeric, className = "", children, ...rest }: React.TdHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return (
    <td className={`td ${numeric ? "tabular text-right" : ""} ${className}`} {...rest}>
      {children}
    </td>
  );
}
