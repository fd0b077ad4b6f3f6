import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";

export async function findApiKeyByHash(db: Db, params: { keyHash: string }) {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, params.keyHash)).limit(1);
  return row;
}

export async function insertApiKey(db: Db, params: { name: string; prefix: string; keyHash: string }) {
  const [row] = await db.insert(apiKeys).values(params).returning();
  return row;
}

export async function touchApiKey(db: Db, params: { id: number }) {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, params.id));
}
