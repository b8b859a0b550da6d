"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient, signInWithSso } from "@/lib/auth/client";

/** Email + password (and SSO when configured). Errors say what to do, never which part was wrong. */
export function SignInForm({ next, sso }: { next: string; sso: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(form: FormData) {
    setBusy(true);
    setError(null);
    const { error } = await authClient.signIn.email({ email: String(form.get("email")), password: String(form.get("password")) });
    setBusy(false);
    if (!error) {
      router.replace(next);
      router.refresh();
      return;
    }
    setError(
      error.status === 429
        ? "Too many sign-in attempts (from here, or on this account). Wait a minute, then try again."
        : "That email and password do not match an active account.",
    );
  }

  return (
    <form action={submit} className="space-y-4">
      <label className="block">
        <span className="text-sm font-medium">Email</span>
        <input name="email" type="email" required autoComplete="username" autoFocus className="input mt-1" />
      </label>
      <label className="block">
        <span className="text-sm font-medium">Password</span>
        <input name="password" type="password" required autoComplete="current-password" className="input mt-1" />
      </label>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className="btn-primary w-full">
        {busy ? "Signing in…" : "Sign in"}
      </button>
      {sso && (
        <button type="button" className="btn-secondary w-full" onClick={() => signInWithSso(next)}>
          Sign in with SSO
        </button>
      )}
    </form>
  );
}
