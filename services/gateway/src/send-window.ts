/**
 * The timing a gateway's batched bus entries share (sessions, activity): the first item of a
 * window starts its timer, a full window goes at once, and shutdown flushes what is left and
 * waits for the sends in flight before the bus closes.
 */
export class SendWindow {
  private timer: NodeJS.Timeout | undefined;
  private readonly sending = new Set<Promise<unknown>>();

  constructor(
    private readonly windowMs: number,
    /** Takes the window's items and starts their sends (each handed to `track`). */
    private readonly sendNow: () => void,
  ) {}

  /** An item was added: send now if that filled the window, else when the window ends. */
  added(full: boolean): void {
    if (full) this.fire();
    else this.timer ??= setTimeout(() => this.fire(), this.windowMs);
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
    this.sendNow();
  }
}
