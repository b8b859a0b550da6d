import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors";
import { DEMO_CONFIG } from "../demo/build";
import { reloadServerConfig, serverConfig } from "./config";

const dir = mkdtempSync(path.join(tmpdir(), "custodian-test-config-"));
const file = path.join(dir, "custodian.config.yaml");
copyFileSync(DEMO_CONFIG, file);
process.env.CUSTODIAN_CONFIG = file;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the server's config", () => {
  it("is read once: a file changed meanwhile is not seen until the deliberate reload", () => {
    const first = serverConfig();
    expect(serverConfig()).toBe(first);
    writeFileSync(file, "targets: [not: a map\n"); // broken on disk: the running config is unaffected
    expect(serverConfig()).toBe(first);
    expect(() => reloadServerConfig()).toThrow(ConfigError);
    expect(serverConfig()).toBe(first); // a bad file is not taken

    copyFileSync(DEMO_CONFIG, file);
    const reloaded = reloadServerConfig();
    expect(reloaded).not.toBe(first);
    expect(serverConfig()).toBe(reloaded);
  });
});
