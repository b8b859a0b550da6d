import Link from "next/link";

/** "← Jobs": the way back to the list a detail page belongs to. */
export function BackLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Link href={href} className="text-sm text-zinc-500 hover:underline">
      ← {children}
    </Link>
  );
}

/** A page's title, what the page is for, and its actions on the right. */
export function PageHeader({
  title,
  description,
  back,
  actions,
}: {
  title: React.ReactNode;
  description?: React.ReactNode;
  back?: { href: string; label: string };
  actions?: React.ReactNode;
}) {
  const heading = (
    <div>
      {back && <BackLink href={back.href}>{back.label}</BackLink>}
      <h1 className={`${back ? "mt-1" : ""}text-2xl font-semibold`}>{title}</h1>
      {description && <p className="text-sm text-zinc-500">{description}</p>}
    </div>
  );
  return actions ? (
    <div className="flex flex-wrap items-end justify-between gap-4">
      {heading}
      {actions}
    </div>
  ) : (
    heading
  );
}
