import { sessionContext, sessionOutcome } from '@switchboard/bus';
import {
  type RequestContext,
  type RoomsOfUserResult,
  type RoomsOfUsersResult,
  type SessionOpenOutcome,
  type SessionOpenResult,
  type SessionsOpenResult,
  type SessionsPayload,
  socketRooms,
} from '@switchboard/protocol';
import { unreadCounts } from '../store/receipts.ts';
import { addMembers, reviveRooms, roomIdsOfUser, roomsWithEmergencyContact, toRoom } from '../store/rooms.ts';
import { roomIdsOfUsers, unreadCountsOfUsers, upsertUsers } from '../store/session-batch.ts';
import { upsertUser } from '../store/users.ts';
import { memberOf } from './access.ts';
import type { MessagingDeps, MessagingHandlers } from './deps.ts';

export type SessionOpenAnswer = Required<SessionOpenResult>;

/**
 * `session:open` (gateway, on connect): remember the user, auto-join rooms that list their phone
 * as an emergency contact, revive archived rooms, and answer the rooms to put the socket in.
 * `sessions:open` is the same for a gateway's batch, `rooms:ofUser(s)` (presence): memberships for
 * presence and location fan-out.
 */
export function sessionHandlers(
  deps: MessagingDeps,
): Pick<MessagingHandlers, 'session:open' | 'sessions:open' | 'rooms:ofUser' | 'rooms:ofUsers'> {
  return {
    'session:open': async (_payload, ctx): Promise<SessionOpenAnswer> => {
      await upsertUser(deps.db, ctx);
      if (ctx.phone) await autoJoinEmergencyRooms(deps, ctx.userId, ctx.phone);
      const rooms = await roomIdsOfUser(deps.db, ctx.userId);
      await reviveRooms(deps.db, rooms);
      return { rooms, unread: await unreadCounts(deps.db, ctx.userId, rooms) };
    },
    'sessions:open': (payload, ctx) => openSessions(deps, payload, ctx),
    'rooms:ofUser': async ({ userId }): Promise<RoomsOfUserResult> => {
      return { roomIds: await roomIdsOfUser(deps.db, userId) };
    },
    'rooms:ofUsers': async ({ userIds }): Promise<RoomsOfUsersResult> => {
      return { roomIds: Object.fromEntries(await roomIdsOfUsers(deps.db, userIds)) };
    },
  };
}

/**
 * `session:open` for a batch, each step one statement for every socket: users remembered, then
 * (per socket, rare: a token with a phone) emergency rooms joined, then rooms read, revived and
 * their unread counts. A socket whose auto-join failed is answered with its error; the others go on.
 */
async function openSessions(
  deps: MessagingDeps,
  { gatewayId, sessions }: SessionsPayload,
  batch: RequestContext,
): Promise<SessionsOpenResult> {
  const contexts = sessions.map((entry) => sessionContext(entry, gatewayId, batch));
  await upsertUsers(deps.db, contexts);
  // Once per user (two devices of one user in a batch would race for the same membership).
  const joining = new Map<string, Promise<SessionOpenOutcome | undefined>>();
  for (const { userId, phone } of contexts) {
    if (phone && !joining.has(userId)) {
      joining.set(userId, failureOf(sessionOutcome(autoJoinEmergencyRooms(deps, userId, phone).then(noRooms))));
    }
  }
  const joined = await Promise.all(contexts.map((ctx) => joining.get(ctx.userId)));
  const roomsOf = await roomIdsOfUsers(deps.db, [...new Set(contexts.map((c) => c.userId))]);
  await reviveRooms(deps.db, [...new Set([...roomsOf.values()].flat())]);
  const unreadOf = await unreadCountsOfUsers(deps.db, roomsOf);
  return {
    sessions: contexts.map(
      (ctx, i) =>
        joined[i] ?? { ok: true, rooms: roomsOf.get(ctx.userId) ?? [], unread: unreadOf.get(ctx.userId) ?? {} },
    ),
  };
}

const noRooms = (): SessionOpenResult => ({ rooms: [] });
/** Only a failure stands for the socket's answer; a success goes on to the batch's statements. */
async function failureOf(outcome: Promise<SessionOpenOutcome>): Promise<SessionOpenOutcome | undefined> {
  const settled = await outcome;
  return settled.ok ? undefined : settled;
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
