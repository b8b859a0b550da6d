"use client";

// Unexpected failures (the store cannot be opened, the config is invalid) end here: say
// what happened and what to do, without a stack trace.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="rounded-lg border border-red-200 bg-red-50 p-6 dark:border-red-900 dark:bg-red-950/40">
      <h1 className="text-lg font-semibold text-red-800 dark:text-red-300">Custodian could not load this page</h1>
      <p className="mt-2 text-sm text-red-700 dark:text-red-300">
        The server log says why (a configuration error names the file and key; a busy embedded store names the process holding it).
        {error.digest ? ` Reference: ${error.digest}.` : ""}
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded border border-red-300 px-3 py-1 text-sm hover:bg-red-100 dark:border-red-800 dark:hover:bg-red-900/40"
      >
        Try again
      </button>
    </div>
  );
}
