"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

const FINISHED = new Set(["completed", "failed", "abandoned"]);
const POLL_MS = 700;

/**
 * Follows a queued run (a sweep, a verification of every request) by polling its status
 * route until it ends, then refreshes the page so the server components show what it did.
 * `id` null: nothing to follow yet.
 */
export function usePolledStatus<S extends { status: string }>(key: string, route: string, id: string | null) {
  const router = useRouter();
  const query = useQuery({
    queryKey: [key, id],
    enabled: !!id,
    queryFn: async (): Promise<S> => {
      const res = await fetch(`${route}?id=${encodeURIComponent(id!)}`);
      if (!res.ok) throw new Error(await res.text());
      return res.json();
    },
    refetchInterval: (q) => (q.state.data && FINISHED.has(q.state.data.status) ? false : POLL_MS),
  });
  const status = query.data;
  const finished = !!status && FINISHED.has(status.status);
  useEffect(() => {
    if (finished) router.refresh();
  }, [finished, router]);
  return { status, finished, error: query.error };
}
