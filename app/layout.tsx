import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Custodian",
  description: "Orphaned rows, soft-delete backlogs and erasure evidence across your databases",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100">
        <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <div className="mx-auto flex max-w-6xl items-center gap-3 px-6 py-3">
            <span className="text-lg font-semibold tracking-tight">Custodian</span>
            <span className="text-sm text-zinc-500">data-integrity operations</span>
          </div>
        </header>
        <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
      </body>
    </html>
  );
}
