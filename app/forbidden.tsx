import { headers } from "next/headers";
import Link from "next/link";
import { pagePermission } from "@/lib/auth/pages";
import { PERMISSIONS, ROLE_LABELS, type Role } from "@/lib/auth/permissions";
import { requestContext } from "@/lib/auth/session";

/** The roles that open the page at `path` (set by proxy.ts), as people read them: "Ops or DPO". */
function rolesFor(path: string | null): string | null {
  if (!path) return null;
  const holders = PERMISSIONS[pagePermission(path)] as readonly Role[];
  return holders.map((r) => ROLE_LABELS[r]).join(" or ");
}

export default async function Forbidden() {
  const path = (await headers()).get("x-pathname");
  const { actor } = await requestContext();
  const needed = rolesFor(path);
  const admin = !!actor?.roles.includes("admin");
  return (
    <div className="mx-auto mt-12 max-w-md text-center" data-testid="forbidden">
      <p className="text-sm font-medium text-zinc-500">403</p>
      <h1 className="mt-1 text-2xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-zinc-500" data-testid="forbidden-reason">
        {needed ? (
          <>
            This page needs the <strong>{needed}</strong> role
            {actor ? `; you have ${actor.roles.map((r) => ROLE_LABELS[r]).join(", ") || "no role"}` : ""}.
          </>
        ) : (
          "Your role does not allow this."
        )}{" "}
        The attempt was recorded in the audit trail.{" "}
        {admin
          ? "As an admin you can give a user that role on the Users page (roles are kept apart on purpose: take one yourself only if your organisation allows it)."
          : "If you need it, ask an admin for the role."}
      </p>
      {/* the reader's roles may not open "/" either: a prefetch would be one more refusal in the audit trail */}
      <div className="mt-6 flex justify-center gap-3">
        <Link href="/" prefetch={false} className="btn-secondary">
          Back to your start page
        </Link>
        {admin && (
          <Link href="/users" prefetch={false} className="btn-secondary" data-testid="forbidden-users">
            Users and roles
          </Link>
        )}
      </div>
    </div>
  );
}
