"use client";
import { useAction } from "next-safe-action/hooks";
import { useRef } from "react";
import { createUser, inviteUser } from "@/lib/users/actions";
import { FieldError, FormError } from "@/components/form-errors";
import { RolePicker, rolesFrom } from "./role-picker";

type Errors = Record<string, { _errors?: string[] }> | undefined;

export function CreateUserForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const { execute, result, isPending, hasSucceeded } = useAction(createUser, { onSuccess: () => formRef.current?.reset() });
  const v = result.validationErrors as Errors;
  return (
    <form
      ref={formRef}
      className="space-y-3"
      action={(f) => execute({ email: String(f.get("email")), name: String(f.get("name")), password: String(f.get("password")), roles: rolesFrom(f) })}
    >
      <h2 className="font-medium">Create a user</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <label>
          <span className="text-xs text-zinc-500">Email</span>
          <input name="email" type="email" required className="input mt-1" />
          <FieldError errors={v?.email?._errors} />
        </label>
        <label>
          <span className="text-xs text-zinc-500">Name</span>
          <input name="name" required className="input mt-1" />
          <FieldError errors={v?.name?._errors} />
        </label>
        <label>
          <span className="text-xs text-zinc-500">Initial password (12+ characters)</span>
          <input name="password" type="password" required minLength={12} autoComplete="new-password" className="input mt-1" />
          <FieldError errors={v?.password?._errors} />
        </label>
      </div>
      <RolePicker />
      <FieldError errors={v?.roles?._errors} />
      <FormError message={result.serverError} />
      <div className="flex items-center gap-3">
        <button className="btn-primary" disabled={isPending}>
          {isPending ? "Creating…" : "Create user"}
        </button>
        {hasSucceeded && <span className="text-sm text-emerald-600">Created.</span>}
      </div>
    </form>
  );
}

export function InviteForm() {
  const { execute, result, isPending } = useAction(inviteUser);
  const v = result.validationErrors as Errors;
  return (
    <form className="space-y-3" action={(f) => execute({ roles: rolesFrom(f) })}>
      <h2 className="font-medium">Invite by link</h2>
      <p className="text-sm text-zinc-500">A one-time link (valid 72 hours) lets the invitee choose their own email and password.</p>
      <RolePicker />
      <FieldError errors={v?.roles?._errors} />
      <FormError message={result.serverError} />
      <button className="btn-secondary" disabled={isPending}>
        {isPending ? "Creating link…" : "Create invitation link"}
      </button>
      {result.data && (
        <div className="rounded-md bg-zinc-100 p-3 text-sm dark:bg-zinc-800">
          Send this link to the invitee (shown once):
          <code className="mt-1 block font-mono text-xs break-all" data-testid="invite-url">
            {result.data.url}
          </code>
        </div>
      )}
    </form>
  );
}
