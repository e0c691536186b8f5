import type { Bus } from '@switchboard/bus';
import { INTERNAL_COMMANDS, type SessionOpenPayload, socketRooms } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import { requestContext } from '@switchboard/runtime';
import { z } from 'zod';
import type { GatewaySocket } from './types.ts';

/** What messaging answers to `session:open`: the rooms to put the socket in, and unread counts. */
const SessionOpenReply = z.object({
  rooms: z.array(z.string().min(1).max(128)).max(10_000),
  unread: z.record(z.string(), z.number()).optional(),
});

export interface SessionDeps {
  bus: Bus;
  log: Logger;
  gatewayId: string;
  timeoutMs: number;
}

/**
 * A new socket: join its user and role rooms at once, tell presence, ask messaging for the
 * rooms it belongs in, join those and emit `connected`. Messaging being down degrades to
 * `rooms: []` (the client can still join rooms explicitly) rather than refusing the connection.
 */
export async function openSession(
  socket: GatewaySocket,
  { bus, log, gatewayId, timeoutMs }: SessionDeps,
): Promise<void> {
  const { principal } = socket.data;
  socket.join([socketRooms.user(principal.userId), socketRooms.role(principal.role)]);
  const payload: SessionOpenPayload = { socketId: socket.id, gatewayId };
  const ctx = requestContext(principal, { socketId: socket.id, gatewayId });
  bus.send('presence', INTERNAL_COMMANDS.sessionOpen, payload, ctx).catch((error: unknown) => {
    log.warn({ err: error }, 'presence session open not sent');
  });

  let rooms: string[] = [];
  let unread: Record<string, number> | undefined;
  try {
    const reply = SessionOpenReply.safeParse(
      await bus.request('messaging', INTERNAL_COMMANDS.sessionOpen, payload, ctx, { timeoutMs }),
    );
    if (reply.success) ({ rooms, unread } = reply.data);
    else log.warn({ issue: reply.error.issues[0]?.message }, 'session open reply malformed');
  } catch (error) {
    log.warn({ err: error }, 'session open failed: connected without rooms');
  }
  // The client may have left while we waited; joining now would leak adapter entries.
  if (!socket.connected) return;
  socket.join(rooms.map(socketRooms.room));
  socket.emit('connected', {
    userId: principal.userId,
    socketId: socket.id,
    serverId: gatewayId,
    rooms,
    ...(unread ? { unread } : {}),
  });
}

/** The socket is gone: presence decides whether the user went offline (other devices may remain). */
export function closeSession(socket: GatewaySocket, { bus, log, gatewayId }: Omit<SessionDeps, 'timeoutMs'>): void {
  const payload: SessionOpenPayload = { socketId: socket.id, gatewayId };
  const ctx = requestContext(socket.data.principal, { socketId: socket.id, gatewayId });
  bus.send('presence', INTERNAL_COMMANDS.sessionClose, payload, ctx).catch((error: unknown) => {
    log.warn({ err: error }, 'presence session close not sent');
  });
}
