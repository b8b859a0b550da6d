import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { attachment, exportFileName } from "@/lib/export-name";
import { publicKeyPem } from "@/lib/erasure/signing";
import { signingKey } from "@/lib/erasure/store-key";
import { getStore } from "@/lib/store/web";

/** The evidence key's public half (PEM): what `custodian verify-evidence --public-key` takes. Only the key that signs the store's chain. */
export const GET = guardedRoute({ action: "evidence.public_key", permission: "evidence_key.read", query: z.object({}) }, async () => {
  return new Response(publicKeyPem((await signingKey(await getStore())).publicKey), {
    headers: {
      "content-type": "application/x-pem-file",
      "content-disposition": attachment(exportFileName("evidence-public-key", "pem")),
      "cache-control": "no-store",
    },
  });
});
