/**
 * Lets background loops sleep between rounds and wake at once when the bus closes, so `close()`
 * never waits out a backoff and no timer outlives the bus.
 */
export class StopSignal {
  private stopped = false;
  private readonly wakers = new Set<() => void>();

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  /** Resolves after `ms`, or as soon as `stop()` is called. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}

/** Exponential backoff for retrying Redis after an error: 100 ms doubling up to 5 s. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 100,
    private readonly maxMs = 5000,
  ) {}

  /** Delay before the next retry; true on the first failure of a streak (log once). */
  fail(): { delayMs: number; first: boolean } {
    const first = this.attempt === 0;
    const delayMs = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt += 1;
    return { delayMs, first };
  }

  /** True if this ends a failure streak (log the recovery once). */
  succeed(): boolean {
    const recovered = this.attempt > 0;
    this.attempt = 0;
    return recovered;
  }
}
