import { desc } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";

export async function insertAuditEntry(db: Db, params: { actorId: string; actorEmail: string; action: string; entityType: string; entityId: string; before: unknown; after: unknown }) {
  await db.insert(auditLog).values(params);
}

/** The newest entries first. */
export async function listAuditEntries(db: Db, params: { limit: number }) {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(params.limit);
}
