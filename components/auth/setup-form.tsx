"use client";
import { useAction } from "next-safe-action/hooks";
import { redeemSetupLink } from "@/lib/users/setup.actions";
import { FieldError, FormError } from "@/components/form-errors";

export function SetupForm({ token }: { token: string }) {
  const { execute, result, isPending } = useAction(redeemSetupLink);
  const v = result.validationErrors as Record<string, { _errors?: string[] }> | undefined;
  return (
    <form
      className="space-y-4"
      action={(form) => execute({ token, email: String(form.get("email")), name: String(form.get("name")), password: String(form.get("password")) })}
    >
      <label className="block">
        <span className="text-sm font-medium">Email</span>
        <input name="email" type="email" required autoComplete="username" className="input mt-1" />
        <FieldError errors={v?.email?._errors} />
      </label>
      <label className="block">
        <span className="text-sm font-medium">Name</span>
        <input name="name" required autoComplete="name" className="input mt-1" />
        <FieldError errors={v?.name?._errors} />
      </label>
      <label className="block">
        <span className="text-sm font-medium">Password (at least 12 characters)</span>
        <input name="password" type="password" required minLength={12} autoComplete="new-password" className="input mt-1" />
        <FieldError errors={v?.password?._errors} />
      </label>
      <FormError message={result.serverError} />
      <button type="submit" disabled={isPending} className="btn-primary w-full">
        {isPending ? "Creating…" : "Create account"}
      </button>
    </form>
  );
}
