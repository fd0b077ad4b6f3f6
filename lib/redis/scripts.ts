import type Redis from "ioredis";
import type { Result } from "ioredis";

/**
 * Applies one group commit's counter changes for one customer, once.
 * KEYS[1] applied marker; KEYS[2..] counter keys. Per counter key, ARGV holds a header
 * "kind:expireAt:n" (expireAt in unix seconds), then n arguments:
 *   s (sum, scaled integer split in hi*1e15 + lo): hi, lo
 *   c (count): n       x (max): zero-padded scaled value
 *   l (latest): sort key (padded micros|event id), value    u (unique_count): values...
 */
/** Byte-order "a > b" (Lua's own > follows the server's locale; Postgres compares with COLLATE "C"). */
const BYTES_GT = `
local function bytes_gt(a, b)
  if not b then return true end
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end
`;

export const APPLY_SCRIPT = BYTES_GT + `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local a = 2
for k = 2, #KEYS do
  local key = KEYS[k]
  local kind, exp, n = string.match(ARGV[a], '^(.):(%d+):(%d+)$')
  n = tonumber(n)
  a = a + 1
  if kind == 's' then
    if ARGV[a] ~= '0' then redis.call('HINCRBY', key, 'hi', ARGV[a]) end
    local lo = redis.call('HINCRBY', key, 'lo', ARGV[a + 1])
    if lo >= 1000000000000000 then
      redis.call('HINCRBY', key, 'lo', '-1000000000000000')
      redis.call('HINCRBY', key, 'hi', 1)
    end
  elseif kind == 'c' then
    redis.call('HINCRBY', key, 'n', ARGV[a])
  elseif kind == 'x' then
    if bytes_gt(ARGV[a], redis.call('HGET', key, 'v')) then redis.call('HSET', key, 'v', ARGV[a]) end
  elseif kind == 'l' then
    if bytes_gt(ARGV[a], redis.call('HGET', key, 'k')) then redis.call('HSET', key, 'k', ARGV[a], 'v', ARGV[a + 1]) end
  elseif kind == 'u' then
    for i = a, a + n - 1, 500 do
      redis.call('SADD', key, unpack(ARGV, i, math.min(i + 499, a + n - 1)))
    end
  end
  redis.call('EXPIREAT', key, exp)
  a = a + n
end
return 1
`;

/**
 * Replaces one customer's counters with values computed from Postgres, and marks the given
 * group commits as applied so a delayed apply of one of them cannot count it again.
 * ARGV[1] marker TTL, ARGV[2] number of markers; KEYS[1..m] markers; the rest as in APPLY,
 * each counter key being deleted first (a key with n = 0 and kind '-' is only deleted).
 */
export const REPLACE_SCRIPT = `
local m = tonumber(ARGV[2])
for k = 1, m do redis.call('SET', KEYS[k], '1', 'EX', ARGV[1]) end
local a = 3
for k = m + 1, #KEYS do
  local key = KEYS[k]
  local kind, exp, n = string.match(ARGV[a], '^(.):(%d+):(%d+)$')
  n = tonumber(n)
  a = a + 1
  redis.call('DEL', key)
  if kind == 's' then
    redis.call('HSET', key, 'hi', ARGV[a], 'lo', ARGV[a + 1])
  elseif kind == 'c' then
    redis.call('HSET', key, 'n', ARGV[a])
  elseif kind == 'x' then
    redis.call('HSET', key, 'v', ARGV[a])
  elseif kind == 'l' then
    redis.call('HSET', key, 'k', ARGV[a], 'v', ARGV[a + 1])
  elseif kind == 'u' then
    for i = a, a + n - 1, 500 do
      redis.call('SADD', key, unpack(ARGV, i, math.min(i + 499, a + n - 1)))
    end
  end
  if kind ~= '-' then redis.call('EXPIREAT', key, exp) end
  a = a + n
end
return 1
`;

/** Sets the ready flag only if no restart happened since the rebuild began (same epoch). */
const MARK_READY = `
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1]) return 1 end
return 0
`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    meterlineMarkReady(numKeys: number, ...args: (string | number)[]): Result<number, Context>;
  }
}

/** Registers the ready-flag script on a general connection (EVALSHA with automatic EVAL fallback after a restart). */
export function defineScripts(connection: Redis) {
  if ((connection as unknown as { meterlineMarkReady?: unknown }).meterlineMarkReady) return connection;
  connection.defineCommand("meterlineMarkReady", { lua: MARK_READY });
  return connection;
}
