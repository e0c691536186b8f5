/**
 * Sockets by the second their token expires. A tick visits only the seconds that came due, so
 * checking 10,000 sockets every second costs nothing while none expires; a refresh moves a
 * socket to its new second. One per gateway, no timer per socket.
 */
export class ExpiryWheel {
  private readonly buckets = new Map<number, Set<string>>();
  private readonly bucketOf = new Map<string, number>();
  /** The first second not yet handed out by `due`. */
  private cursor: number;

  constructor(now = Date.now()) {
    this.cursor = Math.floor(now / 1000);
  }

  /** (Re)schedule a socket; `expiresAt` undefined = its token never expires. */
  track(socketId: string, expiresAt: number | undefined): void {
    this.untrack(socketId);
    if (expiresAt === undefined) return;
    // A second already handed out is due at the next tick.
    const second = Math.max(Math.ceil(expiresAt / 1000), this.cursor);
    let bucket = this.buckets.get(second);
    if (!bucket) this.buckets.set(second, (bucket = new Set()));
    bucket.add(socketId);
    this.bucketOf.set(socketId, second);
  }

  untrack(socketId: string): void {
    const second = this.bucketOf.get(socketId);
    if (second === undefined) return;
    this.bucketOf.delete(socketId);
    const bucket = this.buckets.get(second);
    bucket?.delete(socketId);
    if (bucket?.size === 0) this.buckets.delete(second);
  }

  /** Sockets whose token expired by `now` (each once), forgotten by the wheel. */
  due(now = Date.now()): string[] {
    const until = Math.floor(now / 1000);
    if (until < this.cursor) return [];
    // After a long pause (or a clock jump) walk the few buckets rather than every second.
    const seconds =
      until - this.cursor > this.buckets.size
        ? [...this.buckets.keys()].filter((s) => s <= until)
        : Array.from({ length: until - this.cursor + 1 }, (_, i) => this.cursor + i);
    this.cursor = until + 1;
    const expired: string[] = [];
    for (const second of seconds) {
      const bucket = this.buckets.get(second);
      if (!bucket) continue;
      this.buckets.delete(second);
      for (const socketId of bucket) {
        this.bucketOf.delete(socketId);
        expired.push(socketId);
      }
    }
    return expired;
  }

  get size(): number {
    return this.bucketOf.size;
  }
}
