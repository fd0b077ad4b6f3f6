import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { ApiError } from "@/lib/http/api-error";
import { findApiKeyByHash, insertApiKey, touchApiKey } from "@/lib/db/queries/api-keys";
import { db } from "@/lib/db/client";

export const API_KEY_PREFIX = "mk_live_";
const KEY_FORMAT = /^mk_live_[A-Za-z0-9_-]{43,128}$/;

export const hashApiKey = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** A new key: 32 random bytes, base64url, with a readable prefix. Returned once, stored hashed. */
export function generateApiKey(): { secret: string; prefix: string; hash: string } {
  const secret = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  return { secret, prefix: secret.slice(0, API_KEY_PREFIX.length + 4), hash: hashApiKey(secret) };
}

/** Makes sure a key with this secret exists (BOOTSTRAP_API_KEY, for automation and tests). */
export async function ensureApiKey(secret: string, name: string) {
  const hash = hashApiKey(secret);
  if (!(await findApiKeyByHash(db(), { keyHash: hash }))) {
    await insertApiKey(db(), { name, prefix: secret.slice(0, API_KEY_PREFIX.length + 4), keyHash: hash });
  }
}

/** Who made a change over the API: the key, as the audit log names it ("API key mk_live_ab12… (name)"). */
export type ApiKeyActor = { id: string; email: string };
const actorOf = (key: { id: number; prefix: string; name: string }): ApiKeyActor => ({ id: `api_key:${key.id}`, email: `API key ${key.prefix}… (${key.name})` });

type Verified = { actor: ApiKeyActor; until: number };
/** Verified keys are remembered briefly so ingest does not hit Postgres per request. */
const VERIFIED_TTL_MS = 10_000;
const verified = new Map<string, Verified>();
const lastTouched = new Map<number, number>();

const unauthorized = () =>
  new ApiError("unauthorized", "A valid API key is required: send Authorization: Bearer <key>.");

/** The key's actor, or 401. */
export async function authenticateApiKey(header: string | null): Promise<ApiKeyActor> {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match || match[1].length > 200) throw unauthorized();
  const secret = match[1];
  const hash = hashApiKey(secret);
  const now = Date.now();
  const cached = verified.get(hash);
  if (cached && cached.until > now) return cached.actor;
  if (!KEY_FORMAT.test(secret)) throw unauthorized();
  const row = await findApiKeyByHash(db(), { keyHash: hash });
  if (!row || row.revokedAt || !timingSafeEqual(Buffer.from(row.keyHash, "hex"), Buffer.from(hash, "hex"))) {
    verified.delete(hash);
    throw unauthorized();
  }
  if (verified.size > 10_000) verified.clear();
  const actor = actorOf(row);
  verified.set(hash, { actor, until: now + VERIFIED_TTL_MS });
  if ((lastTouched.get(row.id) ?? 0) < now - 60_000) {
    lastTouched.set(row.id, now);
    void touchApiKey(db(), { id: row.id }).catch(() => {});
  }
  return actor;
}
