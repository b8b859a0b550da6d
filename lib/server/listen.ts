import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { firstPageServed } from "./first-page";

/** The page the web server asks itself for before it says it is serving: the one a visitor lands on first. */
export const FIRST_PAGE = "/sign-in";
/** A first page still unanswered after this long no longer holds startup back (it would only be slower). */
const FIRST_PAGE_WAIT_MS = 30_000;

export interface FirstPage {
  /** Its HTTP status, or the error that stopped the request. */
  status: number | string;
  ms: number;
}

/**
 * Listens, then asks the server for its first page itself, so that what loads the modules of
 * a page (the first render of a fresh process takes seconds on a busy machine) has happened
 * before anyone is told the server is serving; then lets the startup work held for it begin
 * (./first-page.ts). Requests that come meanwhile are answered as usual: the server listens.
 */
export async function listenAndServeFirstPage(server: Server, port: number, hostname?: string): Promise<FirstPage> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // No hostname: every interface, as `next start` does.
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const started = performance.now();
  try {
    const res = await fetch(new URL(FIRST_PAGE, ownUrl(server.address() as AddressInfo)), {
      redirect: "manual",
      signal: AbortSignal.timeout(FIRST_PAGE_WAIT_MS),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  } catch (err) {
    return { status: err instanceof Error ? err.message : String(err), ms: performance.now() - started };
  } finally {
    firstPageServed();
  }
}

/** Where this process reaches its own server: the address it listens on, loopback for "every interface". */
function ownUrl({ address, family, port }: AddressInfo): string {
  if (address === "::" || address === "0.0.0.0") return `http://127.0.0.1:${port}`;
  return family === "IPv6" ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}
