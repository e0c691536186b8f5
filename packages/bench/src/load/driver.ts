/** A message as the load generator sees it on delivery. */
export interface Delivered {
  roomId: string;
  content: string;
}

/** One client connection of any system (a socket.io-client Socket, a Centrifuge client, …). */
export interface BenchClient {
  close(): void;
}

/**
 * How the load generator speaks to one system. The scenarios are written once against this, so
 * every system is driven by the same code and only the wire protocol differs.
 */
export interface Driver<C extends BenchClient = BenchClient> {
  /** Token for a user (every system checks a JWT at the handshake). */
  token(userId: string): string;
  /**
   * Open one authenticated connection bound to `localAddress`; resolves once the server accepted
   * it, rejects on refusal (never reconnects by itself: a failure must show up as a failure).
   */
  open(url: string, token: string, localAddress: string): Promise<C>;
  /** Create a room holding these users (the first one creates it) and return its id. */
  createRoom(creator: C, memberIds: string[]): Promise<string>;
  /** Make sure this client receives the room's messages. */
  join(client: C, roomId: string): Promise<void>;
  send(client: C, roomId: string, content: string, messageId: string): Promise<void>;
  onMessage(client: C, handler: (message: Delivered) => void): void;
}

/** emitWithAck with a deadline, turning `{ success: false }` acks into errors. */
export async function ackOrThrow<T extends { success: boolean }>(promise: Promise<T>, what: string): Promise<T> {
  const reply = await promise;
  if (!reply.success) {
    const failure = reply as unknown as { code?: string; error?: string };
    throw new Error(`${what}: ${failure.code ?? 'FAILED'} ${failure.error ?? ''}`.trim());
  }
  return reply;
}
