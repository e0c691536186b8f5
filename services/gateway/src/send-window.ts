/** How long a window gathers items: `baseMs` when items come one at a time, up to `maxMs` under a storm. */
export interface WindowTiming {
  baseMs: number;
  /** At most this long (default `baseMs`: a fixed window). */
  maxMs?: number;
}

/**
 * The timing a gateway's batched bus entries share (sessions, activity): the first item of a
 * window starts its timer, a full window goes at once, and shutdown flushes what is left and
 * waits for the sends in flight before the bus closes.
 *
 * The window adapts: one that gathered more than one item doubles the next (up to `maxMs`), one
 * that gathered a single item resets it to `baseMs`. Each entry costs every process on its way a
 * fixed price (XADD, read, parse, ack, reply), so under a connect storm fewer, larger entries cut
 * the CPU per socket everywhere (docs/performance.md, "Connects"); a lone connect still waits
 * only `baseMs`.
 */
export class SendWindow {
  private timer: NodeJS.Timeout | undefined;
  private readonly sending = new Set<Promise<unknown>>();
  private readonly baseMs: number;
  private readonly maxMs: number;
  private currentMs: number;

  constructor(
    timing: WindowTiming,
    /** Takes the window's items, starts their sends (each handed to `track`) and says how many it took. */
    private readonly sendNow: () => number,
  ) {
    this.baseMs = timing.baseMs;
    this.maxMs = Math.max(timing.baseMs, timing.maxMs ?? timing.baseMs);
    this.currentMs = this.baseMs;
  }

  /** The length of the next window. */
  get windowMs(): number {
    return this.currentMs;
  }

  /** An item was added: send now if that filled the window, else when the window ends. */
  added(full: boolean): void {
    if (full) this.fire();
    else this.timer ??= setTimeout(() => this.fire(), this.currentMs);
  }

  /** A send in flight, waited for by `flush`. */
  track(sending: Promise<unknown>): void {
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }

  /** Sends what the window holds now and waits for every send in flight. */
  async flush(): Promise<void> {
    this.fire();
    await Promise.allSettled([...this.sending]);
  }

  private fire(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.sendNow();
    this.currentMs = items > 1 ? Math.min(this.maxMs, Math.max(1, this.currentMs) * 2) : this.baseMs;
  }
}
