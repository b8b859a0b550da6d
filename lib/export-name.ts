/**
 * Every file Custodian hands out is named `custodian-<what>-<yyyy-mm-dd>.<ext>` (the day of
 * the export, UTC), so a folder of downloads sorts by kind, then by day.
 */
export function exportFileName(what: string, ext: string, at = new Date()): string {
  const slug = what
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `custodian-${slug || "export"}-${at.toISOString().slice(0, 10)}.${ext.replace(/^\./, "")}`;
}

/** The Content-Disposition header of a download named by `exportFileName`. */
export function attachment(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`;
}
