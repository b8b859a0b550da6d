"use client";
import { createAuthClient } from "better-auth/react";

/** The browser side of the auth library: talks to /api/auth on this origin. */
export const authClient = createAuthClient();

/** Starts the OIDC flow (the generic OAuth endpoint answers with the provider's URL). */
export async function signInWithSso(callbackURL: string): Promise<void> {
  const { data } = await authClient.$fetch<{ url?: string }>("/sign-in/oauth2", {
    method: "POST",
    body: { providerId: "sso", callbackURL },
  });
  if (data?.url) window.location.href = data.url;
}
