import { CLIENT_SIGNALS, type ClientSignalName, parsePayload, socketRooms } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import type { RateLimiter } from './rate-limit.ts';
import { withinLimit } from './requests.ts';
import type { GatewaySocket } from './types.ts';

/** A typing indicator without a fresh `typing:start` stops on its own after this long. */
export const TYPING_AUTO_STOP_MS = 6000;
const TYPING_START = 'typing:start' satisfies ClientSignalName;
const TYPING_STOP = 'typing:stop' satisfies ClientSignalName;

export interface TypingDeps {
  log: Logger;
  rateLimiter: RateLimiter;
  /** Typing signals per user per window; their own bucket so they never starve call signalling. */
  limit: number;
  autoStopMs?: number;
}

/**
 * The typing fast path: ephemeral, authorised locally (the socket must be in the room), relayed
 * to the room's other sockets on every gateway through the adapter, never over the bus.
 */
export function createTyping({ log, rateLimiter, limit, autoStopMs = TYPING_AUTO_STOP_MS }: TypingDeps) {
  /** socketId → roomId → auto-stop timer, for the rooms a socket is typing in. */
  const typing = new Map<string, Map<string, NodeJS.Timeout>>();

  function relay(socket: GatewaySocket, event: ClientSignalName, roomId: string): void {
    socket.to(socketRooms.room(roomId)).emit(event, { roomId, userId: socket.data.principal.userId });
  }

  function stop(socket: GatewaySocket, roomId: string): void {
    const rooms = typing.get(socket.id);
    const timer = rooms?.get(roomId);
    if (timer) clearTimeout(timer);
    rooms?.delete(roomId);
    if (rooms?.size === 0) typing.delete(socket.id);
    relay(socket, TYPING_STOP, roomId);
  }

  function start(socket: GatewaySocket, roomId: string): void {
    const rooms = typing.get(socket.id) ?? new Map<string, NodeJS.Timeout>();
    typing.set(socket.id, rooms);
    const previous = rooms.get(roomId);
    if (previous) clearTimeout(previous);
    rooms.set(
      roomId,
      setTimeout(() => stop(socket, roomId), autoStopMs),
    );
    relay(socket, TYPING_START, roomId);
  }

  return {
    /** Handle `typing:start` / `typing:stop`; invalid or unauthorised signals are dropped (they have no ack). */
    async signal(socket: GatewaySocket, name: ClientSignalName, payload: unknown): Promise<void> {
      const parsed = parsePayload(CLIENT_SIGNALS[name], payload);
      if (!parsed.ok) return void log.debug({ event: name, error: parsed.error }, 'typing signal dropped: invalid');
      const { roomId } = parsed.data;
      if (!socket.rooms.has(socketRooms.room(roomId)))
        return void log.debug({ event: name }, 'typing signal dropped: not in room');
      if (!(await withinLimit(rateLimiter, `${socket.data.principal.userId}:typing`, limit, log))) return;
      if (!socket.connected) return;
      if (name === TYPING_START) start(socket, roomId);
      else stop(socket, roomId);
    },
    /** The socket is leaving: whoever saw it typing sees it stop. */
    socketClosing(socket: GatewaySocket): void {
      for (const roomId of [...(typing.get(socket.id)?.keys() ?? [])]) stop(socket, roomId);
    },
    close(): void {
      for (const rooms of typing.values()) for (const timer of rooms.values()) clearTimeout(timer);
      typing.clear();
    },
  };
}
export type Typing = ReturnType<typeof createTyping>;
