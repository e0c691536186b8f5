import { errorMessage, type Logger } from '@switchboard/runtime';
import type { RateLimiter } from './rate-limit.ts';

/** Longest a request waits for the shared limiter before it is let through. */
export const LIMITER_TIMEOUT_MS = 250;

/**
 * A limiter that fails open: when the shared store errs or does not answer within `timeoutMs`
 * (Redis down: ioredis would queue the command until Redis is back), the hit is allowed, so an
 * outage of the store never stalls or refuses requests — availability over strictness. The
 * first failure and the recovery are logged once each, not every request.
 *
 * `guardFor` passes through: a guarded request has no limiter call of its own to stall on. Its
 * count rides on the bus's add, which needs the same Redis; with Redis down the add is what
 * waits, bounded by the request's deadline (UNAVAILABLE), as an unguarded add would — the guard
 * refuses only on a count Redis returned.
 */
export function failOpen(limiter: RateLimiter, log: Logger, timeoutMs = LIMITER_TIMEOUT_MS): RateLimiter {
  let failing = false;
  return {
    ...(limiter.guardFor ? { guardFor: limiter.guardFor } : {}),
    async hit(key, limit, windowMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const within = await Promise.race([limiter.hit(key, limit, windowMs), late]);
        if (failing) log.info('rate limiter recovered');
        failing = false;
        return within;
      } catch (error) {
        if (!failing) log.warn({ err: errorMessage(error) }, 'rate limiter failing: allowing requests');
        failing = true;
        return true;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
