/**
 * Sessions a gateway is still setting up (waiting for messaging's `session:open`). Each accepted
 * handshake starts work in every service (rooms, presence, calls, inbox); when they fall behind,
 * accepting more only piles that work up in memory — the soak measured a server growing to 400 MiB
 * under connection churn it could not keep up with. Past `limit`, new handshakes are refused at
 * the HTTP level, which socket.io-client retries with its backoff: the load waits at the clients.
 */
export class SessionAdmission {
  private opening = 0;

  constructor(readonly limit: number) {}

  /** True while `limit` sessions are being opened: new handshakes wait. */
  get full(): boolean {
    return this.opening >= this.limit;
  }

  get size(): number {
    return this.opening;
  }

  async track<T>(work: Promise<T>): Promise<T> {
    this.opening += 1;
    try {
      return await work;
    } finally {
      this.opening -= 1;
    }
  }
}
