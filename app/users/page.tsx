import { Invitations } from "@/components/users/invitations";
import { CreateUserForm, InviteForm } from "@/components/users/new-user-forms";
import { UserActive, UserRoles } from "@/components/users/user-row-controls";
import { requirePage } from "@/lib/auth/guard";
import { pendingInvitations } from "@/lib/auth/invitations";
import { can, isRole } from "@/lib/auth/permissions";
import { formatRelative, formatUntil } from "@/lib/format";
import { getStore } from "@/lib/server/store";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const actor = await requirePage("users.read", "/users");
  const manage = can(actor.roles, "users.manage");
  const store = await getStore();
  const invitations = (await pendingInvitations(store)).map((i) => ({
    id: i.id,
    roles: i.roles,
    maker: `${i.maker.name} (${i.maker.email})`,
    created: formatRelative(i.createdAt),
    expires: `${formatUntil(i.expiresAt)} (${i.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC)`,
  }));
  const users = await store.prisma.user.findMany({
    orderBy: [{ active: "desc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, roles: true, active: true, createdAt: true, sessions: { select: { updatedAt: true }, orderBy: { updatedAt: "desc" }, take: 1 } },
  });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Users</h1>
        <p className="text-sm text-zinc-500">
          Roles decide what each person may do. Users are deactivated, never deleted: the audit trail refers to them.
        </p>
      </div>
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
      <div className="card overflow-x-auto">
        <table className="w-full text-sm" data-testid="users">
          <thead className="bg-zinc-100 dark:bg-zinc-800/60">
            <tr>
              <th className="th">User</th>
              <th className="th">Roles</th>
              <th className="th">Last active</th>
              <th className="th">Status</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {users.map((u) => (
              <tr key={u.id} data-user={u.email} className={u.active ? "" : "opacity-60"}>
                <td className="td">
                  <div className="font-medium">{u.name}</div>
                  <div className="text-xs text-zinc-500">{u.email}</div>
                </td>
                <td className="td">
                  <UserRoles userId={u.id} roles={u.roles.filter(isRole)} editable={manage && u.active} />
                </td>
                <td className="td whitespace-nowrap text-zinc-500">
                  {u.sessions[0] ? formatRelative(u.sessions[0].updatedAt) : `created ${formatRelative(u.createdAt)}`}
                </td>
                <td className="td">
                  {manage && u.id !== actor.userId ? (
                    <UserActive userId={u.id} email={u.email} active={u.active} />
                  ) : (
                    <span>{u.active ? "active" : "deactivated"}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Invitations invitations={invitations} manage={manage} />
    </div>
  );
}
