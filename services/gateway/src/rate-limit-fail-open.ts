import { errorMessage, type Logger } from '@switchboard/runtime';
import type { RateLimiter } from './rate-limit.ts';

/** Longest a request waits for the shared limiter before it is let through. */
export const LIMITER_TIMEOUT_MS = 250;

/**
 * A limiter that fails open: when the shared store errs or does not answer within `timeoutMs`
 * (Redis down: ioredis would queue the command until Redis is back), the hit is allowed, so an
 * outage of the store never stalls or refuses requests — availability over strictness. The
 * first failure and the recovery are logged once each, not every request.
 */
export function failOpen(limiter: RateLimiter, log: Logger, timeoutMs = LIMITER_TIMEOUT_MS): RateLimiter {
  let failing = false;
  return {
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
