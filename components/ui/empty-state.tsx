/** What a list shows when it has nothing to show: one sentence, often with the way to fill it. */
export function EmptyState({ children, testId, className = "" }: { children: React.ReactNode; testId?: string; className?: string }) {
  return (
    <div className={`card border-dashed p-8 text-center text-sm text-zinc-500 ${className}`} data-testid={testId}>
      {children}
    </div>
  );
}
