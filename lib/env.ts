import { z } from "zod";

const envSchema = z.object({
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL" }),
  REDIS_URL: z.string().url({ message: "REDIS_URL must be a redis:// URL" }),
  BOOTSTRAP_API_KEY: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Max concurrent group-commit flushes (Node and Postgres overlap work). */
  INGEST_FLUSHES_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(3),
  /** Max events per group commit. */
  INGEST_MAX_GROUP: z.coerce.number().int().min(1).max(50_000).default(10_000),
  PG_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(12),
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
