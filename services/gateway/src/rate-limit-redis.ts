import type { CountGuard } from '@switchboard/bus';
import { redisScript } from '@switchboard/runtime';
import type { Redis } from 'ioredis';
import { RATE_WINDOW_MS, type RateLimiter } from './rate-limit.ts';

// INCR and PEXPIRE in one round trip, atomically: a window key never outlives its window. The
// bus's guarded add (packages/bus/src/stream-add.ts) counts the same way, on the same keys.
const HIT_SCRIPT = redisScript(`local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`);

/**
 * Cluster limiter: one counter per key and window under `${prefix}ratelimit:`, shared by every
 * gateway, so reconnecting to another replica does not reset a user's budget. `guardFor` names
 * the same counter for the bus, so a forwarded request and a standalone hit share one budget.
 */
export function createRedisRateLimiter(redis: Redis, prefix: string, now: () => number = Date.now): RateLimiter {
  const guardFor = (key: string, limit: number, windowMs = RATE_WINDOW_MS): CountGuard => ({
    key: `${prefix}ratelimit:${key}:${Math.floor(now() / windowMs)}`,
    limit,
    windowMs,
  });
  return {
    async hit(key, limit, windowMs = RATE_WINDOW_MS) {
      const guard = guardFor(key, limit, windowMs);
      const count = await HIT_SCRIPT.run(redis, [guard.key], [windowMs]);
      return Number(count) <= limit;
    },
    guardFor,
  };
}
