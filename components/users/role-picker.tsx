import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/permissions";

export function RolePicker({ name = "roles", selected = [], disabled }: { name?: string; selected?: Role[]; disabled?: boolean }) {
  return (
    <div className="flex flex-wrap gap-3">
      {ROLES.map((r) => (
        <label key={r} className="flex items-center gap-1.5 text-sm">
          <input type="checkbox" name={name} value={r} defaultChecked={selected.includes(r)} disabled={disabled} />
          {ROLE_LABELS[r]}
        </label>
      ))}
    </div>
  );
}

export function rolesFrom(form: FormData, name = "roles"): Role[] {
  return form.getAll(name).map(String) as Role[];
}
