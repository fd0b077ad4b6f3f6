import { and, desc, lt, sql } from "drizzle-orm";
import type { Sql } from "postgres";
import type { Db } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";

/** A postgres.js connection or transaction, or a drizzle one. */
export type AuditConnection = Sql | Pick<Db, "insert">;

/** On a connection or inside the transaction of the change it records, so the two commit together. */
export async function insertAuditEntry(connection: AuditConnection, params: { actorId: string; actorEmail: string; action: string; entityType: string; entityId: string; before: unknown; after: unknown }) {
  if ("insert" in connection) {
    await connection.insert(auditLog).values(params);
    return;
  }
  // JSON text cast to jsonb: the shared client passes strings to jsonb parameters unchanged (the
  // invoice documents are written the same way).
  await connection`insert into audit_log (actor_id, actor_email, action, entity_type, entity_id, before, after)
            values (${params.actorId}, ${params.actorEmail}, ${params.action}, ${params.entityType}, ${params.entityId},
                    ${params.before === null ? null : JSON.stringify(params.before)}::jsonb, ${params.after === null ? null : JSON.stringify(params.after)}::jsonb)`;
}

/** Whose changes: people (admins and API keys), automatic jobs (actor ids "system:…"), or all. */
export type AuditWho = "people" | "automatic" | "all";

/** The newest entries first, older than `before` (an entry id) when given. */
export async function listAuditEntries(db: Db, params: { limit: number; who: AuditWho; before?: number }) {
  const conditions = [
    // Literal patterns, not parameters: the people filter must match audit_log_people_idx's predicate.
    params.who === "people" ? sql`${auditLog.actorId} not like 'system:%'` : params.who === "automatic" ? sql`${auditLog.actorId} like 'system:%'` : undefined,
    params.before !== undefined ? lt(auditLog.id, params.before) : undefined,
  ];
  return db.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.id)).limit(params.limit);
}
