import type { Bus } from '@switchboard/bus';
import { type RequestContext, type SessionPayload, socketRooms } from '@switchboard/protocol';
import { type Logger, requestContext } from '@switchboard/runtime';
import { expiryText, identityRooms } from './identity-rooms.ts';
import type { SessionAdmission } from './session-admission.ts';
import type { GatewaySocket } from './types.ts';

export interface SessionDeps {
  bus: Bus;
  log: Logger;
  gatewayId: string;
  timeoutMs: number;
  /** Counts this session while messaging sets it up (MAX_OPENING_SESSIONS). */
  admission?: SessionAdmission;
}

/**
 * A new socket: join its user and role rooms at once, tell presence, ask messaging for the
 * rooms it belongs in, join those and emit `connected`. Messaging being down degrades to
 * `rooms: []` (the client can still join rooms explicitly) rather than refusing the connection.
 */
export async function openSession(
  socket: GatewaySocket,
  { bus, log, gatewayId, timeoutMs, admission }: SessionDeps,
): Promise<void> {
  const { principal } = socket.data;
  await socket.join(identityRooms(principal));
  const payload: SessionPayload = { socketId: socket.id, gatewayId };
  const ctx = requestContext(principal, { socketId: socket.id, gatewayId });
  tellServices(bus, log, 'session:open', payload, ctx);

  let rooms: string[] = [];
  let unread: Record<string, number> | undefined;
  try {
    const opening = bus.request('messaging', 'session:open', payload, ctx, { timeoutMs });
    ({ rooms, unread } = await (admission ? admission.track(opening) : opening));
  } catch (error) {
    log.warn(
      { err: error, socketId: socket.id, userId: principal.userId },
      'session open failed: connected without rooms',
    );
  }
  // The client may have left while we waited; joining now would leak adapter entries.
  if (!socket.connected) return;
  await socket.join(rooms.map(socketRooms.room));
  socket.emit('connected', {
    userId: principal.userId,
    socketId: socket.id,
    serverId: gatewayId,
    rooms,
    ...(unread ? { unread } : {}),
    expiresAt: expiryText(socket.data.expiresAt),
  });
}

/** The socket is gone: presence decides whether the user went offline (other devices may remain). */
export function closeSession(socket: GatewaySocket, { bus, log, gatewayId }: Omit<SessionDeps, 'timeoutMs'>): void {
  const payload: SessionPayload = { socketId: socket.id, gatewayId };
  const ctx = requestContext(socket.data.principal, { socketId: socket.id, gatewayId });
  tellServices(bus, log, 'session:close', payload, ctx);
}

/**
 * Services that follow sessions without the connect waiting for them: presence (online state),
 * call-signaling (a reconnecting device may take over its user's call), notification (topics,
 * unread count, alerts still open). A slow or absent one delays nothing; a failure is logged.
 */
const SESSION_FOLLOWERS = ['presence', 'call-signaling', 'notification'] as const;

function tellServices(
  bus: SessionDeps['bus'],
  log: SessionDeps['log'],
  command: 'session:open' | 'session:close',
  payload: SessionPayload,
  ctx: RequestContext,
): void {
  for (const service of SESSION_FOLLOWERS) {
    bus.send(service, command, payload, ctx).catch((error: unknown) => {
      log.warn({ err: error, service, socketId: payload.socketId, userId: ctx.userId }, `${command} not sent`);
    });
  }
}
