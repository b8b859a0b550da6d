"use client";
import { useAction } from "next-safe-action/hooks";
import { setUserActive, setUserRoles } from "@/lib/users/actions";
import { FormError } from "@/components/form-errors";
import type { Role } from "@/lib/auth/permissions";
import { RolePicker, rolesFrom } from "./role-picker";

export function UserRoles({ userId, email, roles, editable }: { userId: string; email: string; roles: Role[]; editable: boolean }) {
  const { execute, result, isPending, hasSucceeded } = useAction(setUserRoles);
  if (!editable) return <span>{roles.join(", ") || "no role"}</span>;
  return (
    <form
      className="space-y-1"
      action={(f) => {
        const chosen = rolesFrom(f);
        // No role is allowed (a person between jobs), but it is rarely meant: said before it is saved.
        if (!chosen.length && !window.confirm(`Save ${email} with no role? They can still sign in, but will open no page until given one.`)) return;
        execute({ userId, roles: chosen });
      }}
    >
      <RolePicker selected={roles} />
      <div className="flex items-center gap-2">
        <button className="btn-secondary !px-2 !py-0.5 text-xs" disabled={isPending}>
          Save roles
        </button>
        {hasSucceeded && <span className="text-xs text-emerald-600">Saved.</span>}
      </div>
      <FormError message={result.serverError} />
    </form>
  );
}

export function UserActive({ userId, email, active }: { userId: string; email: string; active: boolean }) {
  const { execute, result, isPending } = useAction(setUserActive);
  return (
    <div className="space-y-1">
      <button
        className={active ? "btn-danger" : "btn-secondary !px-3 !py-1.5"}
        disabled={isPending}
        onClick={() => {
          if (active && !window.confirm(`Deactivate ${email}? They are signed out at once and cannot sign in until reactivated.`)) return;
          execute({ userId, active: !active });
        }}
      >
        {active ? "Deactivate" : "Reactivate"}
      </button>
      <FormError message={result.serverError} />
    </div>
  );
}
