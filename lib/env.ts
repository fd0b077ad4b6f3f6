import { z } from "zod";

export const envSchema = z.object({
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL" }),
  // The counter connection (lib/redis/script-pipe.ts) speaks to these two schemes only: refused at start, not at the first write.
  REDIS_URL: z.string().regex(/^rediss?:\/\/[^\s]+$/, { message: "REDIS_URL must be a redis:// or rediss:// URL" }),
  BOOTSTRAP_API_KEY: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Max concurrent group-commit flushes (Node and Postgres overlap work). */
  INGEST_FLUSHES_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(3),
  /** Max events per group commit. */
  INGEST_MAX_GROUP: z.coerce.number().int().min(1).max(50_000).default(10_000),
  PG_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(12),
  /** Signs session cookies; at least 32 characters (npm start generates one under .data/). */
  AUTH_SECRET: z.string().min(32, { message: "AUTH_SECRET must be at least 32 characters" }).optional(),
  /** Public URL of the app (sign-in origin checks); inferred from requests when unset. */
  APP_URL: z.string().url().optional(),
  /** Webhook delivery: attempts per event, the first retry's delay (doubling after), request timeout. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(2_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /**
   * Whether webhooks may be delivered to loopback, private, link-local and other reserved
   * addresses (off: refused when the endpoint is saved and again at each connection).
   */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.stringbool().default(false),
  /** Sign-in attempts allowed per client address per minute. */
  AUTH_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = envSchema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      throw new Error(`Invalid environment:\n${problems.join("\n")}`);
    }
    cached = parsed.data;
  }
  return cached;
}
