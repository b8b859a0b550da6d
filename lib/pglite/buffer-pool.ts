/**
 * The size of PostgreSQL's buffer pool (shared_buffers) in the PGlite instances a process opens.
 * PGlite zeroes the whole pool when it starts: at PostgreSQL's default, 128 MB, that is ~0.1 s
 * of CPU per instance (memset and the page faults of 128 MB), paid by every CLI command that
 * opens the embedded store or a PGlite target (a small scan opens two) however little it reads.
 * A command that runs once starts with a cold pool and reads a table once; a large table's
 * sequential scan goes through a small ring of buffers whatever the pool's size, and a block not
 * in the pool is read from the operating system's page cache. So one-off commands use a smaller
 * pool (useSmallPGliteBufferPool, from lib/cli/run.ts); processes that stay up and read the same
 * data again (the web server, `custodian worker`) keep PostgreSQL's default.
 *
 * Kept apart from shared.ts so that setting it does not load PGlite.
 */
export const SMALL_PGLITE_SHARED_BUFFERS = "32MB";

const settings = ((globalThis as typeof globalThis & { __custodianPgliteBufferPool?: { sharedBuffers: string | null } }).__custodianPgliteBufferPool ??= {
  sharedBuffers: null,
});

/** Instances opened from now on in this process use the smaller pool. */
export function useSmallPGliteBufferPool(): void {
  settings.sharedBuffers = SMALL_PGLITE_SHARED_BUFFERS;
}

/** PostgreSQL start parameters for the pool's size: none for PostgreSQL's default. */
export function pgliteBufferPoolParams(): string[] {
  return settings.sharedBuffers ? ["-c", `shared_buffers=${settings.sharedBuffers}`] : [];
}
