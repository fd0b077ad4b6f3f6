import type { AdminSession } from "@/lib/auth/session";
import { db, type DbConn } from "@/lib/db/client";
import { type AuditConnection, type AuditWho, insertAuditEntry, listAuditEntries } from "@/lib/db/queries/audit";
import { ApiError } from "@/lib/http/api-error";
import { logger } from "@/lib/logger";

export type AuditInput = { action: string; entityType: string; entityId: string; before?: unknown; after?: unknown };

/** Who made a change: an admin, an API key (lib/auth/api-keys) or an automatic job (PERIOD_CLOSE). */
export type Actor = Pick<AdminSession, "id" | "email">;

/** The hourly pass that finalizes drafts whose grace period is over. */
export const PERIOD_CLOSE: Actor = { id: "system:period_close", email: "Period close (automatic)" };

/**
 * Records a change inside the transaction that makes it (connection), so the two commit together:
 * every change in the console and over the API is recorded this way (see audited). Without an
 * actor (seeding, tests, internal callers) nothing is recorded.
 */
export async function recordAudit(actor: Actor | undefined, entry: AuditInput, connection: AuditConnection) {
  if (!actor) return;
  try {
    await insertAuditEntry(connection, { actorId: actor.id, actorEmail: actor.email, action: entry.action, entityType: entry.entityType, entityId: entry.entityId, before: entry.before ?? null, after: entry.after ?? null });
  } catch (error) {
    // Thrown inside the change's transaction, which rolls back: the caller learns that nothing was made.
    logger.error({ err: error, action: entry.action, entity: entry.entityId }, "audit entry could not be written; the change is rolled back");
    throw new ApiError("service_unavailable", "Not saved: the audit log could not be written, so nothing was changed. Try again later.");
  }
}

/**
 * Makes a change and, given an actor, records its entry in the same transaction: both commit or
 * neither does. Without an actor (seeding, tests, internal callers) it is just the change.
 */
export async function audited<T>(actor: Actor | undefined, change: (tx: DbConn) => Promise<T>, entry: (result: T) => AuditInput): Promise<T> {
  return db().transaction(async (tx) => {
    const result = await change(tx);
    if (actor) await recordAudit(actor, entry(result), tx);
    return result;
  });
}

export type AuditView = { id: number; actorEmail: string; action: string; entityType: string; entityId: string; before: unknown; after: unknown; createdAt: string };

/** A page of the log, newest first: whose changes, and older than which entry. */
export async function listAudit(options: { who: AuditWho; before?: number; limit: number }): Promise<AuditView[]> {
  return (await listAuditEntries(db(), options)).map((r) => ({
    id: r.id, actorEmail: r.actorEmail, action: r.action, entityType: r.entityType, entityId: r.entityId, before: r.before, after: r.after, createdAt: r.createdAt.toISOString(),
  }));
}
