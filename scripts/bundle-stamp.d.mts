/** scripts/bundle-stamp.mjs */
export function bundleIsFresh(root: string, source?: string): boolean;
