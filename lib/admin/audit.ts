import type { AdminSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { insertAuditEntry, listAuditEntries } from "@/lib/db/queries/audit";

export type AuditInput = { action: string; entityType: string; entityId: string; before?: unknown; after?: unknown };

/** Records an admin's change; called by every admin action after it succeeds. */
export async function recordAudit(actor: Pick<AdminSession, "id" | "email">, entry: AuditInput) {
  await insertAuditEntry(db(), { actorId: actor.id, actorEmail: actor.email, action: entry.action, entityType: entry.entityType, entityId: entry.entityId, before: entry.before ?? null, after: entry.after ?? null });
}

export type AuditView = { id: number; actorEmail: string; action: string; entityType: string; entityId: string; before: unknown; after: unknown; createdAt: string };

export async function listAudit(limit = 200): Promise<AuditView[]> {
  return (await listAuditEntries(db(), { limit })).map((r) => ({
    id: r.id, actorEmail: r.actorEmail, action: r.action, entityType: r.entityType, entityId: r.entityId, before: r.before, after: r.after, createdAt: r.createdAt.toISOString(),
  }));
}
