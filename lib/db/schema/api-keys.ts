import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const apiKeys = pgTable("api_keys", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull(),
  /** The readable start of the key (e.g. mk_live_AbC1), shown in lists. */
  prefix: text("prefix").notNull(),
  /** sha256 of the whole key, hex; the key itself is never stored. */
  keyHash: text("key_hash").notNull().unique("api_keys_key_hash_key"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

export type ApiKey = typeof apiKeys.$inferSelect;
