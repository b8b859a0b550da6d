import Link from "next/link";

export default function Unauthorized() {
  return (
    <div className="mx-auto mt-12 max-w-md text-center">
      <p className="text-sm font-medium text-zinc-500">401</p>
      <h1 className="mt-1 text-2xl font-semibold">Sign in first</h1>
      <p className="mt-2 text-zinc-500">Your session has ended or you are not signed in.</p>
      <Link href="/sign-in" className="btn-primary mt-6">
        Sign in
      </Link>
    </div>
  );
}
