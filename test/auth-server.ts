import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Auth } from "../lib/auth/auth";
import { trustedProxies } from "../lib/auth/client-address";
import { markClientAddressStamped, stampClientAddress } from "../lib/auth/client-address-stamp";

/**
 * The auth library's endpoints behind a real HTTP server on 127.0.0.1 that stamps each
 * request's client address the way scripts/serve.ts does, with CUSTODIAN_TRUSTED_PROXIES =
 * `proxies`. The requests reach it over a socket, so the peer address is real.
 */
export async function serveAuth(auth: Auth, proxies: string, base = "http://localhost:3999") {
  const trusted = trustedProxies({ CUSTODIAN_TRUSTED_PROXIES: proxies });
  markClientAddressStamped();
  const server = createServer(async (req, res) => {
    stampClientAddress(req, trusted);
    const response = await auth.handler(toRequest(req, base, await bodyOf(req)));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    /** POST /api/auth/sign-in/email as a browser on `base` would, with extra headers (X-Forwarded-For…). */
    post(body: unknown, headers: Record<string, string> = {}) {
      return fetch(`${url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base, ...headers },
        body: JSON.stringify(body),
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function toRequest(req: IncomingMessage, base: string, body: Buffer): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  return new Request(new URL(req.url ?? "/", base), { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined });
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Counts the password hashes and verifications the auth library does (each still done for real). */
export function countPasswordWork(ctx: {
  password: { hash: (p: string) => Promise<string>; verify: (a: { hash: string; password: string }) => Promise<boolean> };
}) {
  const counter = { count: 0 };
  const { hash, verify } = ctx.password;
  ctx.password.hash = (p) => (counter.count++, hash(p));
  ctx.password.verify = (a) => (counter.count++, verify(a));
  return counter;
}
