import { getAuth } from "@/lib/auth/session";

// The auth library's own endpoints (sign-in, sign-out, session, OIDC callback): public by
// nature, rate-limited and audited inside lib/auth/auth.ts.
export async function GET(request: Request) {
  return (await getAuth()).handler(request);
}

export async function POST(request: Request) {
  return (await getAuth()).handler(request);
}
