import { generateApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { insertApiKey, listApiKeys as listApiKeyRows, revokeApiKey as revokeApiKeyRow } from "@/lib/db/queries/api-keys";

export type ApiKeyView = { id: number; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

/** Creates a key; the secret is returned once and only its sha256 is stored. */
export async function createApiKey(name: string): Promise<{ id: number; secret: string; prefix: string }> {
  const key = generateApiKey();
  const row = await insertApiKey(db(), { name, prefix: key.prefix, keyHash: key.hash });
  return { id: row.id, secret: key.secret, prefix: key.prefix };
}

export async function listApiKeys(): Promise<ApiKeyView[]> {
  return (await listApiKeyRows(db())).map((k) => ({
    id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes a key; servers stop accepting it within their 10 s key cache. Returns false if unknown or already revoked. */
export const revokeApiKey = (id: number): Promise<boolean> => revokeApiKeyRow(db(), { id });
