/**
 * Integration tests run against real Postgres and Redis that `npm test` starts (TEST_DATABASE_URL,
 * TEST_REDIS_URL). They refuse anything but a loopback host, since they truncate tables.
 */
const LOCAL = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function localUrl(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests with \`npm test\``);
  const host = new URL(value).hostname;
  if (!LOCAL.has(host)) throw new Error(`${name} points at ${host}; integration tests only run against loopback`);
  return value;
}

export const TEST_DATABASE_URL = localUrl("TEST_DATABASE_URL");
export const TEST_REDIS_URL = localUrl("TEST_REDIS_URL");
process.env.DATABASE_URL = TEST_DATABASE_URL;
process.env.REDIS_URL = TEST_REDIS_URL;
// The tests' webhook receivers listen on loopback, which a deployment refuses by default; the
// refusal itself is tested by passing allowPrivate explicitly.
process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";

/** A key the test servers accept (BOOTSTRAP_API_KEY). */
export const TEST_API_KEY = "mk_live_test0000000000000000000000000000000000000000";

/** Signs the test servers' session cookies. */
export const TEST_AUTH_SECRET = "test-auth-secret-0123456789abcdef0123456789";
