import type { CountGuard } from '@switchboard/bus';

/** Requests per user are counted in fixed windows of this length (the RATE_LIMIT_* unit). */
export const RATE_WINDOW_MS = 10_000;

/**
 * Counts hits per key in fixed windows. One interface, two engines: in-memory (embedded mode,
 * one gateway) and Redis (cluster: a user's sockets on every gateway share one budget).
 */
export interface RateLimiter {
  /** Count one hit for `key`; true while the key is within `limit` hits in the current window. */
  hit(key: string, limit: number, windowMs?: number): Promise<boolean>;
  /**
   * The counter `hit` would count, as a bus `CountGuard`: a request forwarded with it is counted
   * and added to the bus in one round trip, against the same budget `hit` uses. Only where the
   * counters live in the bus's own store (Redis); absent in memory, where `hit` costs no trip.
   */
  guardFor?(key: string, limit: number, windowMs?: number): CountGuard;
}

interface Window {
  start: number;
  count: number;
}

/** In-process limiter. Stale windows are swept as keys are hit, so memory stays bounded. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, Window>();
  let lastSweep = now();

  function sweep(at: number, windowMs: number): void {
    if (at - lastSweep < windowMs) return;
    lastSweep = at;
    for (const [key, window] of windows) if (at - window.start >= windowMs) windows.delete(key);
  }

  return {
    async hit(key, limit, windowMs = RATE_WINDOW_MS) {
      const at = now();
      sweep(at, windowMs);
      const start = at - (at % windowMs);
      const window = windows.get(key);
      if (!window || window.start !== start) {
        windows.set(key, { start, count: 1 });
        return limit >= 1;
      }
      window.count += 1;
      return window.count <= limit;
    },
  };
}
