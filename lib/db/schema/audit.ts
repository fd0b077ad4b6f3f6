import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Who changed which plan, metric, customer, API key or invoice, when, with before and after. */
export const auditLog = pgTable("audit_log", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  /** The admin's user id and email at the time (kept even if the user is removed). */
  actorId: text("actor_id").notNull(),
  actorEmail: text("actor_email").notNull(),
  /** e.g. plan.version_published, metric.created, customer.updated, invoice.voided */
  action: text("action").notNull(),
  entityType: text("entity_type").notNull(),
  entityId: text("entity_id").notNull(),
  before: jsonb("before"),
  after: jsonb("after"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("audit_log_created_idx").on(t.createdAt),
  index("audit_log_entity_idx").on(t.entityType, t.entityId),
  // The console's default tab, newest first: people's changes only, however many the period close adds.
  index("audit_log_people_idx").on(t.id).where(sql`${t.actorId} not like 'system:%'`),
]);

export type AuditEntry = typeof auditLog.$inferSelect;
