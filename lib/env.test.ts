import { describe, expect, it } from "vitest";
import { envSchema } from "./env";

const base = { DATABASE_URL: "postgres://u@127.0.0.1:5432/db" };

describe("environment", () => {
  it("takes redis:// and rediss:// URLs for REDIS_URL", () => {
    for (const url of ["redis://127.0.0.1:6379", "rediss://user:pw@cache.example:6380/2"]) {
      expect(envSchema.safeParse({ ...base, REDIS_URL: url }).success).toBe(true);
    }
  });

  it("refuses any other REDIS_URL at start, naming the variable", () => {
    for (const url of ["unix:///tmp/redis.sock", "http://127.0.0.1:6379", "127.0.0.1:6379", ""]) {
      const parsed = envSchema.safeParse({ ...base, REDIS_URL: url });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0].message).toMatch(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    }
  });

  it("refuses webhooks to private networks unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is set to a true value", () => {
    const parse = (value?: string) => envSchema.parse({ ...base, REDIS_URL: "redis://127.0.0.1:6379", WEBHOOK_ALLOW_PRIVATE_NETWORKS: value }).WEBHOOK_ALLOW_PRIVATE_NETWORKS;
    expect([parse(), parse("false"), parse("0"), parse("true"), parse("1")]).toEqual([false, false, false, true, true]);
    expect(envSchema.safeParse({ ...base, REDIS_URL: "redis://127.0.0.1:6379", WEBHOOK_ALLOW_PRIVATE_NETWORKS: "maybe" }).success).toBe(false);
  });
});
