import { Invitations } from "@/components/users/invitations";
import { CreateUserForm, InviteForm } from "@/components/users/new-user-forms";
import { UserActive, UserRoles } from "@/components/users/user-row-controls";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { requirePage } from "@/lib/auth/guard";
import { can, isRole } from "@/lib/auth/permissions";
import { formatRelative, formatUntil } from "@/lib/format";
import { getStore } from "@/lib/store/web";
import { usersPage } from "@/lib/users/queries";
import { LocalTime } from "@/components/ui/local-time";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const actor = await requirePage("users.read", "/users");
  const manage = can(actor.roles, "users.manage");
  const { users, invitations: open } = await usersPage(await getStore());
  const invitations = open.map((i) => ({
    id: i.id,
    roles: i.roles,
    maker: `${i.maker.name} (${i.maker.email})`,
    created: formatRelative(i.createdAt),
    expires: `${formatUntil(i.expiresAt)} (${i.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC)`,
  }));
  return (
    <div className="space-y-6">
      <PageHeader title="Users" description="Roles decide what each person may do. Users are deactivated, never deleted: the audit trail refers to them." />
      {manage && (
        <div className="grid gap-4 lg:grid-cols-3">
          <div className="card p-4 lg:col-span-2">
            <CreateUserForm />
          </div>
          <div className="card p-4">
            <InviteForm />
          </div>
        </div>
      )}
      <Table testId="users" columns={["User", "Roles", "Last active", "Status"]}>
        {users.map((u) => (
          <tr key={u.id} data-user={u.email} className={u.active ? "" : "opacity-60"}>
            <Td>
              <div className="font-medium">{u.name}</div>
              <div className="text-xs text-zinc-500">{u.email}</div>
            </Td>
            <Td>
              <UserRoles userId={u.id} email={u.email} roles={u.roles.filter(isRole)} editable={manage && u.active} />
            </Td>
            <Td className="whitespace-nowrap text-zinc-500">
              {u.sessions[0] ? <LocalTime date={u.sessions[0].updatedAt} /> : `created $<LocalTime date={u.createdAt} />`}
            </Td>
            <Td>
              <div className="flex flex-wrap items-center gap-2">
                <StatusBadge status={u.active ? "ok" : "failed"} testId="user-status">
                  {u.active ? "Active" : "Deactivated"}
                </StatusBadge>
                {manage && u.id !== actor.userId && <UserActive userId={u.id} email={u.email} active={u.active} />}
              </div>
            </Td>
          </tr>
        ))}
      </Table>
      <Invitations invitations={invitations} manage={manage} />
    </div>
  );
}
