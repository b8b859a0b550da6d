import Link from "next/link";

export const TEXT_LINK = "text-indigo-700 hover:underline dark:text-indigo-300";

/** An in-text link to another page of the console, styled the same everywhere. */
export function TextLink({ href, className = "", children, ...rest }: React.ComponentProps<typeof Link> & { href: string }) {
  return (
    <Link href={href} className={`${TEXT_LINK} ${className}`} {...rest}>
      {children}
    </Link>
  );
}
