import type { Metadata } from "next";
import Link from "next/link";
import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";
import { DemoReplayBanner } from "@/components/ui/demo-replay";
import { requestContext } from "@/lib/auth/session";
import "./globals.css";

export const metadata: Metadata = {
  title: "Custodian",
  description: "Orphaned rows, soft-delete backlogs and erasure evidence across your databases",
};

// Every page depends on who is asking (and carries this request's CSP nonce).
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const { actor } = await requestContext();
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100">
        <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3 sm:px-6">
            {/* a person with no role may open no page: no prefetch of "/" to be refused (and audited) on their behalf */}
            <Link href="/" prefetch={actor?.roles.length ? undefined : false} className="text-lg font-semibold tracking-tight">
              Custodian
            </Link>
            {actor ? <Nav actor={actor} /> : <span className="text-sm text-zinc-500">data-integrity operations</span>}
          </div>
        </header>
        {actor && <DemoReplayBanner />}
        <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6 sm:py-8">
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
