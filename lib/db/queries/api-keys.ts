import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db, DbConn } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";

export async function findApiKeyByHash(db: Db, params: { keyHash: string }) {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, params.keyHash)).limit(1);
  return row;
}

export async function insertApiKey(db: DbConn, params: { name: string; prefix: string; keyHash: string }) {
  const [row] = await db.insert(apiKeys).values(params).returning();
  return row;
}

export async function touchApiKey(db: Db, params: { id: number }) {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, params.id));
}

/** Every key, live ones first, newest first. */
export async function listApiKeys(db: Db) {
  return db.select().from(apiKeys).orderBy(sql`${apiKeys.revokedAt} nulls first`, desc(apiKeys.id));
}

/** Returns false when the key is unknown or already revoked. */
export async function revokeApiKey(db: DbConn, params: { id: number }): Promise<boolean> {
  const rows = await db.update(apiKeys).set({ revokedAt: sql`now()` }).where(and(eq(apiKeys.id, params.id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id });
  return rows.length > 0;
}
