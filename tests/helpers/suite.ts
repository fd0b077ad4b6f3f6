import { afterAll, beforeAll } from "vitest";
import { closeRedis } from "@/lib/redis/client";
import { apiClient, type ApiClient } from "./api";
import { createFixtures, resetState, testSql } from "./fixtures";
import { startServer, type TestServer } from "./server";

/**
 * A test file's world: empty state, the standard metrics and these customers, a `next start`
 * server with an API client, and a SQL client; all torn down after the file.
 */
export function serverSuite(options: { customers?: string[] } = {}) {
  const suite = { sql: testSql() } as { sql: ReturnType<typeof testSql>; server: TestServer; api: ApiClient };
  beforeAll(async () => {
    await resetState();
    suite.server = await startServer();
    suite.api = apiClient(suite.server.url);
    await createFixtures(suite.api, options.customers ?? []);
  });
  afterAll(async () => {
    await suite.server?.stop();
    await suite.sql.end();
    await closeRedis();
  });
  return suite;
}
