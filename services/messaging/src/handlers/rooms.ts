import crypto from 'node:crypto';
import { Prisma } from '@switchboard/db';
import {
  type RequestContext,
  type RoomCreatePayload,
  type RoomCreateResult,
  type RoomJoinResult,
  type RoomParticipantsResult,
  socketRooms,
} from '@switchboard/protocol';
import { AppError, normalizePhone } from '@switchboard/runtime';
import type { z } from 'zod';
import { APPROVAL_REQUIRED, DIRECT_ROOM_MEMBERS, notAPhone } from '../refusals.ts';
import { unreadCounts } from '../store/receipts.ts';
import {
  addMembers,
  findDirectRoom,
  findRoom,
  insertRoom,
  type RoomRecord,
  removeMember,
  reviveRooms,
  toRoom,
} from '../store/rooms.ts';
import { ACCESS_DENIED, memberOf, requireMembership, requireRoom } from './access.ts';
import type { MessagingDeps, MessagingHandlers } from './deps.ts';
import { participantsOf } from './participants.ts';

export function roomHandlers(
  deps: MessagingDeps,
): Pick<MessagingHandlers, 'room:create' | 'room:join' | 'room:leave' | 'room:participants'> {
  return {
    'room:create': (payload, ctx) => createRoom(deps, payload, ctx),
    'room:join': (payload, ctx) => joinRoom(deps, payload.roomId, ctx),
    'room:leave': (payload, ctx) => leaveRoom(deps, payload.roomId, ctx),
    'room:participants': async ({ roomId }, ctx): Promise<RoomParticipantsResult> => {
      await requireMembership(deps.db, roomId, ctx.userId);
      return { participants: await participantsOf(deps, roomId, ctx) };
    },
  };
}

/** Normalise every contact to E.164; an unusable one is named in the error. */
function normalizedContacts(contacts: string[] = []): string[] {
  const out = new Set<string>();
  contacts.forEach((raw, i) => {
    const phone = normalizePhone(raw);
    if (!phone) throw new AppError('INVALID_PAYLOAD', notAPhone(i));
    out.add(phone);
  });
  return [...out];
}

async function createRoom(
  deps: MessagingDeps,
  input: z.infer<typeof RoomCreatePayload>,
  ctx: RequestContext,
): Promise<RoomCreateResult> {
  const others = [...new Set(input.memberIds ?? [])].filter((id) => id !== ctx.userId);
  const emergencyContacts = normalizedContacts(input.emergencyContacts);
  let directKey: string | null = null;
  if (input.type === 'direct') {
    if (others.length !== 1) throw new AppError('INVALID_PAYLOAD', DIRECT_ROOM_MEMBERS);
    directKey = JSON.stringify([ctx.userId, others[0]!].sort());
    const existing = await findDirectRoom(deps.db, directKey);
    if (existing) return { room: await reopenDirect(deps, existing, [ctx.userId, others[0]!]) };
  }
  let room: RoomRecord;
  try {
    room = await insertRoom(
      deps.db,
      {
        id: crypto.randomBytes(16).toString('base64url'),
        type: input.type,
        name: input.name ?? null,
        ownerId: ctx.userId,
        approvalRequired: input.approvalRequired ?? false,
        emergencyContacts,
        directKey,
        memberIds: others,
      },
      deps.outbox,
    );
  } catch (error) {
    // Both people of a pair created their direct room at once: the loser gets the winner's.
    const existing = directKey && isUniqueViolation(error) ? await findDirectRoom(deps.db, directKey) : null;
    if (!existing) throw error;
    return { room: await reopenDirect(deps, existing, [ctx.userId, others[0]!]) };
  }
  const memberIds = room.members.map((m) => m.userId);
  deps.broadcaster.in(memberIds.map(socketRooms.user)).socketsJoin(socketRooms.room(room.id));
  const created = toRoom(room);
  if (others.length > 0)
    deps.broadcaster
      .to(others.map(socketRooms.user))
      .emit('room:autoJoined', { roomId: room.id, room: created, reason: 'member' });
  const withContacts = await joinKnownEmergencyContacts(deps, room, emergencyContacts);
  return { room: withContacts ?? created };
}

/** The pair's one direct room, with both back in it if one of them had left. */
async function reopenDirect(deps: MessagingDeps, room: RoomRecord, pair: string[]) {
  const added = await addMembers(deps.db, room.id, pair);
  if (added.length === 0) return toRoom(room);
  deps.broadcaster.in(added.map(socketRooms.user)).socketsJoin(socketRooms.room(room.id));
  return toRoom((await findRoom(deps.db, room.id)) ?? room);
}

/** Users already known by an emergency-contact phone join now rather than on their next connect. */
async function joinKnownEmergencyContacts(deps: MessagingDeps, room: RoomRecord, phones: string[]) {
  if (phones.length === 0) return null;
  const users = await deps.db.user.findMany({ where: { phone: { in: phones } }, select: { id: true } });
  const added = await addMembers(
    deps.db,
    room.id,
    users.map((u) => u.id),
  );
  if (added.length === 0) return null;
  const updated = toRoom({
    ...room,
    members: [...room.members, ...added.map((userId) => ({ userId, role: 'member' }))],
  });
  deps.broadcaster.in(added.map(socketRooms.user)).socketsJoin(socketRooms.room(room.id));
  deps.broadcaster
    .to(added.map(socketRooms.user))
    .emit('room:autoJoined', { roomId: room.id, room: updated, reason: 'emergency-contact' });
  return updated;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Who may join: members (again) and a room's emergency contacts (by phone, no approval). Every
 * room is members-only (issue #2); outsiders get in through `room:requestJoin` and the owner's
 * approval, so the refusal of an approval room says so.
 */
async function joinRoom(deps: MessagingDeps, roomId: string, ctx: RequestContext): Promise<RoomJoinResult> {
  const room = await requireRoom(deps.db, roomId);
  if (!memberOf(room, ctx.userId)) {
    const emergencyContact = ctx.phone !== undefined && room.emergencyContacts.includes(ctx.phone);
    if (!emergencyContact && room.approvalRequired) throw new AppError('FORBIDDEN', APPROVAL_REQUIRED);
    if (!emergencyContact) throw new AppError('FORBIDDEN', ACCESS_DENIED);
    const added = await addMembers(deps.db, roomId, [ctx.userId]);
    if (added.length > 0)
      deps.broadcaster
        .to(socketRooms.room(roomId))
        .emit('room:userJoined', { roomId, userId: ctx.userId, name: ctx.name });
  }
  if (room.archivedAt) await reviveRooms(deps.db, [roomId]);
  deps.broadcaster.in(socketRooms.user(ctx.userId)).socketsJoin(socketRooms.room(roomId));
  const [participants, unread] = await Promise.all([
    participantsOf(deps, roomId, ctx),
    unreadCounts(deps.db, ctx.userId, [roomId]),
  ]);
  return { roomId, participants, unreadCount: unread[roomId] ?? 0 };
}

async function leaveRoom(deps: MessagingDeps, roomId: string, ctx: RequestContext): Promise<Record<string, never>> {
  await requireRoom(deps.db, roomId);
  const removed = await removeMember(deps.db, roomId, ctx.userId);
  deps.broadcaster.in(socketRooms.user(ctx.userId)).socketsLeave(socketRooms.room(roomId));
  if (removed)
    deps.broadcaster.to(socketRooms.room(roomId)).emit('room:userLeft', { roomId, userId: ctx.userId, name: ctx.name });
  return {};
}
