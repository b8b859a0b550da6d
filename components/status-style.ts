/** The colour of a job's or request's status word, the same on every page (an unknown status stays plain). */
const TEXT: Record<string, string> = {
  completed: "text-emerald-700 dark:text-emerald-400",
  partial: "text-amber-700 dark:text-amber-400",
  awaiting_approval: "text-amber-700 dark:text-amber-400",
  failed: "text-red-600 dark:text-red-400",
  rejected: "text-red-600 dark:text-red-400",
  running: "text-indigo-700 dark:text-indigo-300",
  deleting: "text-indigo-700 dark:text-indigo-300",
  marked: "text-indigo-700 dark:text-indigo-300",
};

export const statusText = (status: string): string => TEXT[status] ?? "";
