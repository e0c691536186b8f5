/**
 * Receipts are cursors ("everything up to seq"), so many messages arriving at once need one
 * request per room and kind: the highest seq, sent after a short pause.
 */
export class ReceiptQueue {
  private readonly pending = new Map<string, { delivered: number; read: number }>();
  private readonly sent = new Map<string, { delivered: number; read: number }>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (roomId: string, kind: 'delivered' | 'read', seq: number) => Promise<void>,
    private readonly delayMs = 250,
  ) {}

  delivered(roomId: string, seq: number): void {
    this.queue(roomId, 'delivered', seq);
  }

  read(roomId: string, seq: number): void {
    this.queue(roomId, 'read', seq);
    this.queue(roomId, 'delivered', seq);
  }

  close(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }

  private queue(roomId: string, kind: 'delivered' | 'read', seq: number): void {
    if ((this.sent.get(roomId)?.[kind] ?? 0) >= seq) return;
    const entry = this.pending.get(roomId) ?? { delivered: 0, read: 0 };
    entry[kind] = Math.max(entry[kind], seq);
    this.pending.set(roomId, entry);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  private flush(): void {
    this.timer = undefined;
    for (const [roomId, entry] of this.pending) {
      const sent = this.sent.get(roomId) ?? { delivered: 0, read: 0 };
      for (const kind of ['delivered', 'read'] as const) {
        if (entry[kind] <= sent[kind]) continue;
        const seq = entry[kind];
        sent[kind] = seq;
        // A lost receipt is re-sent with the next message's (a cursor covers everything before it).
        this.send(roomId, kind, seq).catch(() => {
          if ((this.sent.get(roomId)?.[kind] ?? 0) === seq) sent[kind] = 0;
        });
      }
      this.sent.set(roomId, sent);
    }
    this.pending.clear();
  }
}
