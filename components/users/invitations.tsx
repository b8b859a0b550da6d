"use client";
import { useAction } from "next-safe-action/hooks";
import { revokeUserInvitation } from "@/lib/users/actions";
import { FormError } from "@/components/form-errors";
import { Table, Td } from "@/components/ui/table";

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
      <p className="px-4 text-sm text-zinc-500">
        Links not used yet. One dies when it is used, revoked or expires, or when the admin who made it is deactivated.
      </p>
      {invitations.length === 0 ? (
        <p className="p-4 text-sm text-zinc-500" data-testid="no-invitations">
          None.
        </p>
      ) : (
        <Table framed={false} className="mt-2" testId="invitations" columns={["Grants", "Made by", "Made", "Expires", ...(manage ? [""] : [])]}>
          {invitations.map((i) => (
            <tr key={i.id} data-invitation={i.id}>
              <Td>{i.roles.join(", ")}</Td>
              <Td>{i.maker}</Td>
              <Td className="whitespace-nowrap text-zinc-500">{i.created}</Td>
              <Td className="whitespace-nowrap text-zinc-500">{i.expires}</Td>
              {manage && (
                <Td>
                  <Revoke id={i.id} />
                </Td>
              )}
            </tr>
          ))}
        </Table>
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
