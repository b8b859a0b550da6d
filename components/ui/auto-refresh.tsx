"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Renders the page again from the server every `everyMs` while shown (work under way that has no status route of its own). */
export function AutoRefresh({ everyMs }: { everyMs: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [everyMs, router]);
  return null;
}
