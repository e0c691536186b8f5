import http from 'node:http';
import { createTokenVerifier, listen } from '@switchboard/runtime';
import { Server, type ServerOptions } from 'socket.io';
import {
  RELAY_EVENTS,
  type RelayClientToServer,
  RelayJoinPayload,
  type RelayMessage,
  RelaySendPayload,
  type RelayServerToClient,
} from './relay-protocol.ts';

export interface RelayServerOptions {
  port: number;
  host?: string;
  jwtSecret: string;
  /** Called before the message is emitted (the naive baseline writes it to Postgres here). */
  persist?: (message: RelayMessage) => Promise<void>;
  /** e.g. the Redis adapter, so two relays share rooms. */
  adapter?: ServerOptions['adapter'];
}

export interface RelayServer {
  port: number;
  close(): Promise<void>;
}

interface RelaySocketData {
  userId: string;
}

/**
 * A plain Socket.IO relay, written the way a single-file server would be: JWT check in a
 * middleware, join a room, broadcast to it. It is the yardstick, so it does nothing more.
 */
export async function startRelayServer(options: RelayServerOptions): Promise<RelayServer> {
  const verifier = createTokenVerifier({ secret: options.jwtSecret });
  const httpServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  const io = new Server<RelayClientToServer, RelayServerToClient, Record<string, never>, RelaySocketData>(httpServer, {
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });

  io.use((socket, next) => {
    try {
      socket.data.userId = verifier.verify(socket.handshake.auth?.token).userId;
      next();
    } catch (error) {
      next(error instanceof Error ? error : new Error('Authentication error'));
    }
  });

  io.on('connection', (socket) => {
    socket.on(RELAY_EVENTS.join, (payload, ack) => {
      const parsed = RelayJoinPayload.safeParse(payload);
      if (!parsed.success) return ack?.({ success: false, error: 'roomId is required' });
      void socket.join(parsed.data.roomId);
      ack?.({ success: true });
    });
    socket.on(RELAY_EVENTS.send, async (payload, ack) => {
      const parsed = RelaySendPayload.safeParse(payload);
      if (!parsed.success) return ack?.({ success: false, error: 'roomId and content are required' });
      if (!socket.rooms.has(parsed.data.roomId)) return ack?.({ success: false, error: 'Not in this room' });
      const message: RelayMessage = { ...parsed.data, senderId: socket.data.userId };
      try {
        await options.persist?.(message);
      } catch {
        return ack?.({ success: false, error: 'Could not save the message' });
      }
      io.to(message.roomId).emit(RELAY_EVENTS.message, message);
      ack?.({ success: true });
    });
  });

  const port = await listen(httpServer, options.port, options.host ?? '127.0.0.1');
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
