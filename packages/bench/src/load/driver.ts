import type { Socket } from 'socket.io-client';

/** A message as the load generator sees it on delivery. */
export interface Delivered {
  roomId: string;
  content: string;
}

/**
 * How the load generator speaks to one system. The scenarios are written once against this, so
 * every system is driven by the same code and only the wire protocol differs.
 */
export interface Driver {
  /** Token for a user (every system checks a JWT at the handshake). */
  token(userId: string): string;
  /** Create a room holding these users (the first one creates it) and return its id. */
  createRoom(creator: Socket, memberIds: string[]): Promise<string>;
  /** Make sure this socket receives the room's messages. */
  join(socket: Socket, roomId: string): Promise<void>;
  send(socket: Socket, roomId: string, content: string, messageId: string): Promise<void>;
  onMessage(socket: Socket, handler: (message: Delivered) => void): void;
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
