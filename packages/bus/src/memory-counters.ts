import type { CountGuard } from './bus.ts';

interface Counter {
  count: number;
  expiresAt: number;
}

/**
 * The MemoryBus's `CountGuard` store: the Redis script's INCR + PEXPIRE-on-first-hit, in one
 * process. Expired counters are swept as keys are hit, so memory stays bounded.
 */
export class MemoryCounters {
  private readonly counters = new Map<string, Counter>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  /** Count one hit; true while the counter is within the guard's limit. */
  admit({ key, limit, windowMs }: CountGuard): boolean {
    const at = this.now();
    this.sweep(at, windowMs);
    const counter = this.counters.get(key);
    if (!counter || counter.expiresAt <= at) {
      this.counters.set(key, { count: 1, expiresAt: at + windowMs });
      return limit >= 1;
    }
    counter.count += 1;
    return counter.count <= limit;
  }

  private sweep(at: number, windowMs: number): void {
    if (at - this.lastSweep < windowMs) return;
    this.lastSweep = at;
    for (const [key, counter] of this.counters) if (counter.expiresAt <= at) this.counters.delete(key);
  }
}
