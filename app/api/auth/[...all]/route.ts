import { getAuth } from "@/lib/auth/session";
import { startupOver } from "@/lib/server/readiness";

// The auth library's own endpoints (sign-in, sign-out, session, OIDC callback): public by
// nature, rate-limited and audited inside lib/auth/auth.ts.
export async function GET(request: Request) {
  return (await getAuth()).handler(request);
}

export async function POST(request: Request) {
  // The server answers while startup makes the accounts (the store opens beside it): a
  // sign-in sent meanwhile waits for them instead of failing as a wrong password.
  await startupOver();
  return (await getAuth()).handler(request);
}
