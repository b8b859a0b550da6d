/**
 * The evidence signing key's fingerprint (sha256 of the raw Ed25519 public key), for a
 * person to compare with the one published and printed in every export; the public key
 * itself for those who check signatures (custodian verify-evidence --public-key).
 */
export function EvidenceKey({ fingerprint, problem, mayDownload }: { fingerprint: string | null; problem?: string | null; mayDownload: boolean }) {
  return (
    <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-500" data-testid="evidence-key">
      {fingerprint && (
        <>
          <span>Evidence is signed with Ed25519 key</span>
          <code className="font-mono text-zinc-700 dark:text-zinc-300" data-testid="evidence-key-fingerprint">
            {fingerprint}
          </code>
          <span>(SHA-256 fingerprint)</span>
        </>
      )}
      {/* no key, or not the store's: verifications here are refused, and the page says why */}
      {problem && (
        <span className="text-red-600" role="alert" data-testid="evidence-key-problem">
          Evidence cannot be signed by this server: {problem}
        </span>
      )}
      {mayDownload && !problem && (
        <a className="underline hover:text-zinc-700 dark:hover:text-zinc-300" href="/api/erasure/public-key.pem" download data-testid="download-public-key">
          Public key (PEM)
        </a>
      )}
    </p>
  );
}
