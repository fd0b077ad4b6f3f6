import { sqlClient } from "@/lib/db/client";
import type { AdminSession } from "@/lib/auth/session";

export type AuditInput = { action: string; entityType: string; entityId: string; before?: unknown; after?: unknown };

/** Records an admin's change; called by every admin action after it succeeds. */
export async function recordAudit(actor: Pick<AdminSession, "id" | "email">, entry: AuditInput) {
  await sqlClient()`
    insert into audit_log (actor_id, actor_email, action, entity_type, entity_id, before, after)
    values (${actor.id}, ${actor.email}, ${entry.action}, ${entry.entityType}, ${entry.entityId},
            ${entry.before === undefined ? null : JSON.stringify(entry.before)}::jsonb, ${entry.after === undefined ? null : JSON.stringify(entry.after)}::jsonb)`;
}

export type AuditView = { id: number; actorEmail: string; action: string; entityType: string; entityId: string; before: unknown; after: unknown; createdAt: string };

export async function listAudit(limit = 200): Promise<AuditView[]> {
  const rows = await sqlClient()<{ id: string; actor_email: string; action: string; entity_type: string; entity_id: string; before: unknown; after: unknown; created_at: string }[]>`
    select id, actor_email, action, entity_type, entity_id, before, after, to_json(created_at) #>> '{}' as created_at
    from audit_log order by id desc limit ${limit}`;
  return rows.map((r) => ({ id: Number(r.id), actorEmail: r.actor_email, action: r.action, entityType: r.entity_type, entityId: r.entity_id, before: r.before, after: r.after, createdAt: new Date(r.created_at).toISOString() }));
}
