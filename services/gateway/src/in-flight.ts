/** Requests forwarded but not yet answered, per socket, so shutdown can wait for them (bounded). */
export class InFlight {
  private readonly bySocket = new Map<string, Set<Promise<unknown>>>();

  get size(): number {
    let total = 0;
    for (const pending of this.bySocket.values()) total += pending.size;
    return total;
  }

  track<T>(socketId: string, work: Promise<T>): Promise<T> {
    const pending = this.bySocket.get(socketId) ?? new Set<Promise<unknown>>();
    this.bySocket.set(socketId, pending);
    pending.add(work);
    const forget = () => {
      pending.delete(work);
      if (pending.size === 0 && this.bySocket.get(socketId) === pending) this.bySocket.delete(socketId);
    };
    work.then(forget, forget);
    return work;
  }

  /** Resolves when the socket's requests (or, without a socket id, all requests) settled, or after `timeoutMs`. */
  async settle(timeoutMs: number, socketId?: string): Promise<void> {
    const pending =
      socketId === undefined
        ? [...this.bySocket.values()].flatMap((set) => [...set])
        : [...(this.bySocket.get(socketId) ?? [])];
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      await Promise.race([Promise.allSettled(pending), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
