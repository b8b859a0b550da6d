import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeNextPath } from "@/lib/auth/next-path";
import { oidcEnabled } from "@/lib/auth/oidc";
import { requestContext } from "@/lib/auth/session";
import { isDemo } from "@/lib/server/mode";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Only a path on this server: a crafted ?next= must not send a person elsewhere after sign-in.
  const next = safeNextPath((await searchParams).next);
  if ((await requestContext()).actor) redirect(next);
  return (
    <div className="mx-auto mt-12 max-w-sm">
      <div className="card p-6">
        <h1 className="text-xl font-semibold">Sign in to Custodian</h1>
        <p className="mt-1 text-sm text-zinc-500">Accounts are created by an admin; there is no open sign-up.</p>
        <div className="mt-6">
          <SignInForm next={next} sso={oidcEnabled()} />
        </div>
      </div>
      {isDemo() && (
        <p className="mt-4 text-center text-sm text-zinc-500">
          Demo: one account per role was printed on the server console when it started (also in{" "}
          <code className="font-mono">.custodian/demo-credentials.json</code>).
        </p>
      )}
    </div>
  );
}
