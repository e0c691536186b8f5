import type { Principal, SessionEntry } from '@switchboard/protocol';
import { socketRooms } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import { expiryText, identityRooms } from './identity-rooms.ts';
import type { SessionAdmission } from './session-admission.ts';
import type { SessionBatcher } from './session-batcher.ts';
import type { GatewaySocket } from './types.ts';

export interface SessionDeps {
  sessions: SessionBatcher;
  log: Logger;
  gatewayId: string;
  /** Counts this session while messaging sets it up (MAX_OPENING_SESSIONS). */
  admission?: SessionAdmission;
}

/** What a batched session command says of one socket: its id and the principal its token carried. */
export function sessionEntry(socketId: string, { userId, name, role, phone }: Principal): SessionEntry {
  return { socketId, userId, name, role, ...(phone === undefined ? {} : { phone }) };
}

/**
 * A new socket: join its user and role rooms at once, tell presence, call-signaling and
 * notification, ask messaging for the rooms it belongs in (all batched with the sockets opening
 * in the same few milliseconds), join those and emit `connected`. Messaging being down degrades
 * to `rooms: []` (the client can still join rooms explicitly) rather than refusing the connection.
 */
export async function openSession(
  socket: GatewaySocket,
  { sessions, log, gatewayId, admission }: SessionDeps,
): Promise<void> {
  const { principal } = socket.data;
  await socket.join(identityRooms(principal));

  let rooms: string[] = [];
  let unread: Record<string, number> | undefined;
  try {
    const opening = sessions.open(sessionEntry(socket.id, principal));
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
export function closeSession(socket: GatewaySocket, { sessions }: Pick<SessionDeps, 'sessions'>): void {
  sessions.close(sessionEntry(socket.id, socket.data.principal));
}
