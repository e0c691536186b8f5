import type { Redis } from 'ioredis';
import { RATE_WINDOW_MS, type RateLimiter } from './rate-limit.ts';

// INCR and PEXPIRE in one round trip, atomically: a window key never outlives its window.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/**
 * Cluster limiter: one counter per key and window under `${prefix}ratelimit:`, shared by every
 * gateway, so reconnecting to another replica does not reset a user's budget.
 */
export function createRedisRateLimiter(redis: Redis, prefix: string, now: () => number = Date.now): RateLimiter {
  return {
    async hit(key, limit, windowMs = RATE_WINDOW_MS) {
      const window = Math.floor(now() / windowMs);
      const redisKey = `${prefix}ratelimit:${key}:${window}`;
      const count = await redis.eval(HIT_SCRIPT, 1, redisKey, String(windowMs));
      return Number(count) <= limit;
    },
  };
}
