import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { evidenceKey, publicKeyPem } from "@/lib/erasure/signing";

/** The evidence key's public half (PEM): what `custodian verify-evidence --public-key` takes. */
export const GET = guardedRoute({ action: "evidence.public_key", permission: "evidence_key.read", query: z.object({}) }, async () => {
  return new Response(publicKeyPem(evidenceKey().publicKey), {
    headers: {
      "content-type": "application/x-pem-file",
      "content-disposition": `attachment; filename="custodian-evidence-public-key.pem"`,
      "cache-control": "no-store",
    },
  });
});
