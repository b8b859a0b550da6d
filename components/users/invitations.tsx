"use client";
import { useAction } from "next-safe-action/hooks";
import { revokeUserInvitation } from "@/lib/users/actions";
import { FormError } from "@/components/form-errors";

export interface InvitationRow {
  id: string;
  roles: string[];
  maker: string;
  created: string;
  expires: string;
}

/** Unused invitation links: who made them, what they grant, until when; revocable by whoever manages users. */
export function Invitations({ invitations, manage }: { invitations: InvitationRow[]; manage: boolean }) {
  return (
    <div className="card overflow-x-auto">
      <h2 className="px-4 pt-4 font-medium">Open invitations</h2>
      <p className="px-4 text-sm text-zinc-500">Links not used yet. One dies when it is used, revoked or expires, or when the admin who made it is deactivated.</p>
      {invitations.length === 0 ? (
        <p className="p-4 text-sm text-zinc-500" data-testid="no-invitations">
          None.
        </p>
      ) : (
        <table className="mt-2 w-full text-sm" data-testid="invitations">
          <thead className="bg-zinc-100 dark:bg-zinc-800/60">
            <tr>
              <th className="th">Grants</th>
              <th className="th">Made by</th>
              <th className="th">Made</th>
              <th className="th">Expires</th>
              {manage && <th className="th" />}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {invitations.map((i) => (
              <tr key={i.id} data-invitation={i.id}>
                <td className="td">{i.roles.join(", ")}</td>
                <td className="td">{i.maker}</td>
                <td className="td whitespace-nowrap text-zinc-500">{i.created}</td>
                <td className="td whitespace-nowrap text-zinc-500">{i.expires}</td>
                {manage && (
                  <td className="td">
                    <Revoke id={i.id} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Revoke({ id }: { id: string }) {
  const { execute, result, isPending } = useAction(revokeUserInvitation);
  return (
    <div className="space-y-1">
      <button className="btn-secondary !px-2 !py-0.5 text-xs" disabled={isPending} onClick={() => execute({ invitationId: id })}>
        {isPending ? "Revoking…" : "Revoke"}
      </button>
      <FormError message={result.serverError} />
    </div>
  );
}
