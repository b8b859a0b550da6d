import Link from "next/link";
import { can, ROLE_LABELS, type Permission } from "@/lib/auth/permissions";
import type { Actor } from "@/lib/auth/session";
import { SignOutButton } from "./auth/sign-out-button";
import { HeaderMenu } from "./header-menu";
import { PendingApprovalsBadge } from "./jobs/pending-approvals";

/** One navigation for everyone; each person sees the pages their roles open. */
export const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: "/", label: "Overview", permission: "overview.read" },
  { href: "/relations", label: "Relations", permission: "relations.read" },
  { href: "/jobs", label: "Jobs", permission: "jobs.read" },
  { href: "/soft-deletes", label: "Soft deletes", permission: "softdeletes.read" },
  { href: "/prevention", label: "Prevention", permission: "relations.read" },
  { href: "/restore", label: "Restore", permission: "restore.search" },
  { href: "/erasure", label: "Erasure", permission: "erasure.read" },
  { href: "/audit", label: "Audit", permission: "audit.read" },
  { href: "/users", label: "Users", permission: "users.read" },
  { href: "/targets", label: "Targets", permission: "targets.read" },
];

export function Nav({ actor }: { actor: Actor }) {
  const items = NAV.filter((i) => can(actor.roles, i.permission));
  return (
    <HeaderMenu>
      <nav className="flex flex-col gap-3 text-sm md:flex-row md:gap-4" aria-label="Main">
        {items.map((i) => (
          <Link key={i.href} href={i.href} className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white">
            {i.label}
            {i.href === "/jobs" && can(actor.roles, "jobs.approve") && <PendingApprovalsBadge viewerId={actor.userId} />}
          </Link>
        ))}
      </nav>
      <div className="flex flex-wrap items-center gap-3 border-t border-zinc-200 pt-3 text-sm md:ml-auto md:border-0 md:pt-0 dark:border-zinc-800">
        <span className="break-all text-zinc-500" data-testid="whoami">
          {actor.email} · {actor.roles.map((r) => ROLE_LABELS[r]).join(", ") || "no role"}
        </span>
        <SignOutButton />
      </div>
    </HeaderMenu>
  );
}
