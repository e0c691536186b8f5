/**
 * Events per second over a sliding window of whole seconds: a ring of per-second buckets, so
 * counting is O(1) and memory fixed however busy the gateway is.
 */
export class RateWindow {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(
    private readonly windowSec = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Array(windowSec).fill(0);
    this.stamps = new Array(windowSec).fill(-1);
  }

  add(count = 1): void {
    const second = Math.floor(this.now() / 1000);
    const slot = second % this.windowSec;
    if (this.stamps[slot] !== second) {
      this.stamps[slot] = second;
      this.buckets[slot] = 0;
    }
    this.buckets[slot]! += count;
  }

  /** Average rate over the last `windowSec` seconds (the current, partial second included). */
  perSecond(): number {
    const second = Math.floor(this.now() / 1000);
    let total = 0;
    for (let i = 0; i < this.windowSec; i++) {
      const stamp = this.stamps[i]!;
      if (stamp > second - this.windowSec && stamp <= second) total += this.buckets[i]!;
    }
    return Math.round((total / this.windowSec) * 100) / 100;
  }
}
