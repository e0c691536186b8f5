import {
  Id,
  type RequestContext,
  type RoomsOfUserResult,
  type SessionOpenResult,
  socketRooms,
} from '@switchboard/protocol';
import { parseOrThrow } from '@switchboard/runtime';
import { z } from 'zod';
import { unreadCounts } from '../store/receipts.ts';
import { addMembers, reviveRooms, roomIdsOfUser, roomsWithEmergencyContact, toRoom } from '../store/rooms.ts';
import { upsertUser } from '../store/users.ts';
import { memberOf } from './access.ts';
import type { MessagingDeps } from './deps.ts';

const SessionOpenPayload = z.object({ socketId: z.string().max(128), gatewayId: z.string().max(128) });
const RoomsOfUserPayload = z.object({ userId: Id });

export type SessionOpenAnswer = Required<SessionOpenResult>;

/**
 * `session:open` (gateway, on connect): remember the user, auto-join rooms that list their phone
 * as an emergency contact, revive archived rooms, and answer the rooms to put the socket in.
 * `rooms:ofUser` (presence): memberships for location fan-out.
 */
export function sessionHandlers(deps: MessagingDeps) {
  return {
    'session:open': async (payload: unknown, ctx: RequestContext): Promise<SessionOpenAnswer> => {
      parseOrThrow(SessionOpenPayload, payload);
      await upsertUser(deps.db, ctx);
      if (ctx.phone) await autoJoinEmergencyRooms(deps, ctx.userId, ctx.phone);
      const rooms = await roomIdsOfUser(deps.db, ctx.userId);
      await reviveRooms(deps.db, rooms);
      return { rooms, unread: await unreadCounts(deps.db, ctx.userId, rooms) };
    },
    'rooms:ofUser': async (payload: unknown): Promise<RoomsOfUserResult> => {
      const { userId } = parseOrThrow(RoomsOfUserPayload, payload);
      return { roomIds: await roomIdsOfUser(deps.db, userId) };
    },
  };
}

async function autoJoinEmergencyRooms(deps: MessagingDeps, userId: string, phone: string): Promise<void> {
  const candidates = await roomsWithEmergencyContact(deps.db, phone);
  for (const room of candidates) {
    if (memberOf(room, userId)) continue;
    const added = await addMembers(deps.db, room.id, [userId]);
    if (added.length === 0) continue;
    const joined = toRoom({ ...room, members: [...room.members, { userId, role: 'member' }] });
    deps.broadcaster.in(socketRooms.user(userId)).socketsJoin(socketRooms.room(room.id));
    deps.broadcaster
      .to(socketRooms.user(userId))
      .emit('room:autoJoined', { roomId: room.id, room: joined, reason: 'emergency-contact' });
    deps.broadcaster.to(socketRooms.room(room.id)).emit('room:userJoined', { roomId: room.id, userId });
  }
}
