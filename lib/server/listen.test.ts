import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { holdStartupForFirstPage, startupMayBegin } from "./first-page";
import { FIRST_PAGE, listenAndServeFirstPage } from "./listen";

/**
 * The web server says "serving" once listenAndServeFirstPage resolves: it must listen first
 * (requests are answered meanwhile), and resolve, and let startup begin, only once its own
 * first page was answered.
 */
describe("listening and serving the first page", () => {
  const servers: ReturnType<typeof createServer>[] = [];
  // a failed test may leave a request open: cut it, or closing waits for it
  afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.close(r), s.closeAllConnections())))));

  it("answers requests while the first page renders; resolves, and lets startup begin, once it is answered", async () => {
    holdStartupForFirstPage();
    let finishFirstPage!: () => void;
    const asked: string[] = [];
    const server = createServer((req, res: ServerResponse) => {
      asked.push(req.url!);
      if (req.url === FIRST_PAGE) finishFirstPage = () => res.end("sign in");
      else res.end("other");
    });
    servers.push(server);
    let served = false;
    let begun = false;
    const serving = listenAndServeFirstPage(server, 0, "127.0.0.1").then((r) => ((served = true), r));
    void startupMayBegin().then(() => (begun = true));
    while (!asked.includes(FIRST_PAGE)) await new Promise((r) => setTimeout(r, 10));

    // the server listens and answers others while its first page is still being made
    const other = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/other`);
    expect(await other.text()).toBe("other");
    expect(served).toBe(false);
    expect(begun).toBe(false);

    finishFirstPage();
    const first = await serving;
    expect(first.status).toBe(200);
    expect(begun).toBe(true);
  });

  it("a first page that fails still lets startup begin, and says how it failed", async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    servers.push(server);
    expect((await listenAndServeFirstPage(server, 0, "127.0.0.1")).status).toBe(500);
    await startupMayBegin();
  });

  it("a port already taken rejects instead of hanging", async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const server = createServer();
    servers.push(server);
    await expect(listenAndServeFirstPage(server, (taken.address() as AddressInfo).port, "127.0.0.1")).rejects.toThrow(/EADDRINUSE/);
  });
});
