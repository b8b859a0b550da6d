"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

const POLL_MS = 2000;

/**
 * Keeps a page's figures current without a reload: polls the stored figures' version
 * (/api/figures) and re-renders the page's server components when it moves (a sweep
 * ended, or an action elsewhere, such as a purge or a support restore, refreshed them).
 */
export function LiveFigures() {
  const router = useRouter();
  const q = useQuery({
    queryKey: ["figures-version"],
    queryFn: async (): Promise<string> => {
      const res = await fetch("/api/figures");
      if (!res.ok) throw new Error(await res.text());
      return ((await res.json()) as { version: string }).version;
    },
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
  });
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!q.data) return;
    if (seen.current !== undefined && seen.current !== q.data) router.refresh();
    seen.current = q.data;
  }, [q.data, router]);
  return null;
}
