/**
 * Where the application's own back office shows one account (`softDelete[].accountUrl`):
 * each `{column}` is replaced by that primary-key column's value, URL-encoded. Only key
 * columns are offered: a link that support pastes into a ticket carries an id, never an
 * email or a name. A placeholder naming no key column gives no link (null), not a wrong one.
 */
export function accountUrl(template: string | undefined, pk: readonly string[], key: readonly string[]): string | null {
  if (!template) return null;
  let missing = false;
  const url = template.replace(/\{([^{}]+)\}/g, (_, column: string) => {
    const i = pk.indexOf(column);
    if (i === -1 || key[i] === undefined) {
      missing = true;
      return "";
    }
    return encodeURIComponent(key[i]);
  });
  return missing ? null : url;
}
