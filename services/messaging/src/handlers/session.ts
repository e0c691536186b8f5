import { type RoomsOfUserResult, type SessionOpenResult, socketRooms } from '@switchboard/protocol';
import { unreadCounts } from '../store/receipts.ts';
import { addMembers, reviveRooms, roomIdsOfUser, roomsWithEmergencyContact, toRoom } from '../store/rooms.ts';
import { upsertUser } from '../store/users.ts';
import { memberOf } from './access.ts';
import type { MessagingDeps, MessagingHandlers } from './deps.ts';

export type SessionOpenAnswer = Required<SessionOpenResult>;

/**
 * `session:open` (gateway, on connect): remember the user, auto-join rooms that list their phone
 * as an emergency contact, revive archived rooms, and answer the rooms to put the socket in.
 * `rooms:ofUser` (presence): memberships for location fan-out.
 */
export function sessionHandlers(deps: MessagingDeps): Pick<MessagingHandlers, 'session:open' | 'rooms:ofUser'> {
  return {
    'session:open': async (_payload, ctx): Promise<SessionOpenAnswer> => {
      await upsertUser(deps.db, ctx);
      if (ctx.phone) await autoJoinEmergencyRooms(deps, ctx.userId, ctx.phone);
      const rooms = await roomIdsOfUser(deps.db, ctx.userId);
      await reviveRooms(deps.db, rooms);
      return { rooms, unread: await unreadCounts(deps.db, ctx.userId, rooms) };
    },
    'rooms:ofUser': async ({ userId }): Promise<RoomsOfUserResult> => {
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
