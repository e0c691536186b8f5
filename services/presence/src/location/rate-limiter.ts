import type { Redis } from '@switchboard/runtime';

/** Token bucket per user: `burst` uploads at once, then one every `intervalMs`. */
export interface RateLimiter {
  /** True when the upload may go ahead (a token was taken). */
  take(userId: string, now?: number): Promise<boolean>;
}

export interface BucketOptions {
  intervalMs: number;
  burst: number;
}

export function createMemoryRateLimiter({ intervalMs, burst }: BucketOptions): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async take(userId, now = Date.now()) {
      const bucket = buckets.get(userId) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / intervalMs);
      bucket.at = now;
      const allowed = bucket.tokens >= 1;
      if (allowed) bucket.tokens -= 1;
      buckets.set(userId, bucket);
      // Full buckets carry no information: drop them so idle users cost nothing.
      if (buckets.size > 10_000)
        for (const [id, b] of buckets) if (b.tokens + (now - b.at) / intervalMs >= burst) buckets.delete(id);
      return allowed;
    },
  };
}

// One key per user (KEYS[1]), so the bucket works on a Redis Cluster too.
const TAKE = `
local now, interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(h[1]) or burst
local at = tonumber(h[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / interval)
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(interval * burst) + 1000)
return ok`;

export function createRedisRateLimiter(
  redis: Redis,
  prefix: string,
  { intervalMs, burst }: BucketOptions,
): RateLimiter {
  return {
    async take(userId, now = Date.now()) {
      const ok = await redis.eval(TAKE, 1, `${prefix}presence:rate:location:${userId}`, now, intervalMs, burst);
      return ok === 1;
    },
  };
}
