import { generateApiKey } from "@/lib/auth/api-keys";
import { sqlClient } from "@/lib/db/client";

export type ApiKeyView = { id: number; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

/** Creates a key; the secret is returned once and only its sha256 is stored. */
export async function createApiKey(name: string): Promise<{ id: number; secret: string; prefix: string }> {
  const key = generateApiKey();
  const [row] = await sqlClient()<{ id: string }[]>`insert into api_keys (name, prefix, key_hash) values (${name}, ${key.prefix}, ${key.hash}) returning id`;
  return { id: Number(row.id), secret: key.secret, prefix: key.prefix };
}

export async function listApiKeys(): Promise<ApiKeyView[]> {
  const rows = await sqlClient()<{ id: string; name: string; prefix: string; created_at: string; last_used_at: string | null; revoked_at: string | null }[]>`
    select id, name, prefix, to_json(created_at) #>> '{}' as created_at, to_json(last_used_at) #>> '{}' as last_used_at, to_json(revoked_at) #>> '{}' as revoked_at
    from api_keys order by revoked_at nulls first, id desc`;
  const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());
  return rows.map((r) => ({ id: Number(r.id), name: r.name, prefix: r.prefix, createdAt: iso(r.created_at)!, lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at) }));
}

/** Revokes a key; servers stop accepting it within their 10 s key cache. Returns false if unknown or already revoked. */
export async function revokeApiKey(id: number): Promise<boolean> {
  const rows = await sqlClient()`update api_keys set revoked_at = now() where id = ${id} and revoked_at is null returning id`;
  return rows.length > 0;
}
