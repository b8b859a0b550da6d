import { SetupForm } from "@/components/auth/setup-form";
import { peekSetupToken } from "@/lib/auth/setup-tokens";
import { getStore } from "@/lib/store/web";

export const dynamic = "force-dynamic";

/** A one-time link: the first admin's (printed on the server console) or an invitation. */
export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const grant = token ? await peekSetupToken(await getStore(), token) : null;
  return (
    <div className="mx-auto mt-12 max-w-sm">
      <div className="card p-6">
        {grant && token ? (
          <>
            <h1 className="text-xl font-semibold">Create your account</h1>
            <p className="mt-1 text-sm text-zinc-500">
              This link grants the role{grant.roles.length > 1 ? "s" : ""} <strong>{grant.roles.join(", ")}</strong>. It works once.
            </p>
            <div className="mt-6">
              <SetupForm token={token} />
            </div>
          </>
        ) : (
          <>
            <h1 className="text-xl font-semibold">This link does not work</h1>
            <p className="mt-2 text-sm text-zinc-500">
              It was already used, has expired, or was mistyped. Ask an admin for a new invitation; for the first admin, restart the server and use the link it
              prints.
            </p>
          </>
        )}
      </div>
    </div>
  );
}
