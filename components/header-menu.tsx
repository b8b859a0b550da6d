"use client";
import { usePathname } from "next/navigation";
import { useState } from "react";

/**
 * The header's navigation: in a row on wide screens; behind a Menu button below 768 px (a
 * phone), where it opens as a column. It closes when the page changes: it is open only for
 * the path it was opened on, and when one of its links is followed.
 */
export function HeaderMenu({ children }: { children: React.ReactNode }) {
  const pathname = usePathname();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  return (
    <>
      <button
        type="button"
        className="ml-auto rounded border border-zinc-300 px-3 py-1 text-sm md:hidden dark:border-zinc-700"
        aria-expanded={open}
        aria-controls="header-menu"
        onClick={() => setOpenOn(open ? null : pathname)}
        data-testid="menu-button"
      >
        {open ? "Close" : "Menu"}
      </button>
      <div
        id="header-menu"
        // a link followed to the page already shown changes no path: close on any link's click too
        onClick={(e) => (e.target as HTMLElement).closest("a") && setOpenOn(null)}
        className={`${open ? "flex" : "hidden"} basis-full flex-col gap-3 md:flex md:flex-1 md:basis-auto md:flex-row md:items-center md:gap-6`}
        data-testid="header-menu"
      >
        {children}
      </div>
    </>
  );
}
