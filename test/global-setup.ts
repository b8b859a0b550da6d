import { probeMysql, probePostgres, POSTGRES_URL, MYSQL_URL } from "./services";

/**
 * Finds out which real servers are here. A missing server is announced loudly and its
 * tests are skipped; under CI=true a missing server fails the run (never a silent skip).
 */
export default async function setup() {
  const [pgError, myError] = await Promise.all([probePostgres(), probeMysql()]);
  process.env.CUSTODIAN_TEST_POSTGRES = pgError ? "0" : "1";
  process.env.CUSTODIAN_TEST_MYSQL = myError ? "0" : "1";
  const missing = [pgError && `PostgreSQL at ${POSTGRES_URL}: ${pgError}`, myError && `MariaDB/MySQL at ${MYSQL_URL}: ${myError}`].filter(Boolean) as string[];
  if (missing.length === 0) return;
  const banner = [
    "",
    "!".repeat(78),
    "!! SKIPPING integration tests that need these servers:",
    ...missing.map((m) => `!!   - ${m}`),
    "!! (set TEST_POSTGRES_URL / TEST_MYSQL_URL, or start the servers)",
    "!".repeat(78),
    "",
  ].join("\n");
  console.error(banner);
  if (process.env.CI === "true") throw new Error(`CI=true and required services are missing:\n${missing.join("\n")}`);
}
