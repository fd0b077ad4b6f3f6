import { type Actor, audited } from "@/lib/admin/audit";
import { generateApiKey } from "@/lib/auth/api-keys";
import { ApiError } from "@/lib/http/api-error";
import { db } from "@/lib/db/client";
import { insertApiKey, listApiKeys as listApiKeyRows, revokeApiKey as revokeApiKeyRow } from "@/lib/db/queries/api-keys";

export type ApiKeyView = { id: number; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

/** Creates a key; the secret is returned once and only its sha256 is stored. */
export async function createApiKey(name: string, actor?: Actor): Promise<{ id: number; secret: string; prefix: string }> {
  const key = generateApiKey();
  const row = await audited(actor, (tx) => insertApiKey(tx, { name, prefix: key.prefix, keyHash: key.hash }), (row) => ({
    action: "api_key.created", entityType: "api_key", entityId: String(row.id), after: { name, prefix: key.prefix },
  }));
  return { id: row.id, secret: key.secret, prefix: key.prefix };
}

export async function listApiKeys(): Promise<ApiKeyView[]> {
  return (await listApiKeyRows(db())).map((k) => ({
    id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes a key; servers stop accepting it within their 10 s key cache. Not found if unknown or already revoked. */
export async function revokeApiKey(id: number, actor?: Actor) {
  await audited(actor, async (tx) => {
    if (!(await revokeApiKeyRow(tx, { id }))) throw new ApiError("not_found", `No active API key ${id}.`);
  }, () => ({ action: "api_key.revoked", entityType: "api_key", entityId: String(id), after: { revoked: true } }));
}
