import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { oidcEnabled } from "@/lib/auth/oidc";
import { requestContext } from "@/lib/auth/session";
import { isDemo } from "@/lib/server/mode";

export const dynamic = "force-dynamic";

/** Only same-site paths: a crafted ?next= must not send a person elsewhere after sign-in. */
function safeNext(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
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
