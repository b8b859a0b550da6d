"use client";
import type { QueryObserverResult } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * The callbacks of a job's pause / resume / cancel buttons (cleanups and purges alike). Only
 * the last action's error is shown: the next action clears it. An action refused because the
 * job moved on meanwhile (a pause as it completed) shows the job's new state, not the refusal:
 * `applies` names the states the action makes sense in.
 */
export function useJobActionCallbacks<S extends { status: string }>(refetch: () => Promise<QueryObserverResult<S>>) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>();
  const callbacks = (applies: (status: string) => boolean) => ({
    onExecute: () => setError(undefined),
    onSuccess: () => {
      void refetch();
      router.refresh();
    },
    onError: async ({ error: e }: { error: { serverError?: string } }) => {
      const now = (await refetch()).data;
      setError(now && !applies(now.status) ? undefined : (e.serverError ?? "the action failed; try again"));
    },
  });
  return { error, callbacks };
}
