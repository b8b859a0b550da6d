import { mayOpen } from "@/lib/auth/pages";
import { TextLink } from "@/components/ui/text-link";

/**
 * A link to another Custodian page for a reader who may open it, else its text alone:
 * never a link (and so never a prefetch) to a page the reader's roles do not open.
 */
export function PageLink({ roles, href, className, children }: { roles: readonly string[]; href: string; className?: string; children: React.ReactNode }) {
  return mayOpen(roles, href) ? (
    <TextLink href={href} className={className}>
      {children}
    </TextLink>
  ) : (
    <span>{children}</span>
  );
}
