import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto mt-12 max-w-md text-center" data-testid="forbidden">
      <p className="text-sm font-medium text-zinc-500">403</p>
      <h1 className="mt-1 text-2xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-zinc-500">
        Your role does not allow this. The attempt was recorded in the audit trail. If you need it, ask an admin for the role.
      </p>
      {/* the reader's roles may not open "/" either: a prefetch would be one more refusal in the audit trail */}
      <Link href="/" prefetch={false} className="btn-secondary mt-6">
        Back to your start page
      </Link>
    </div>
  );
}
