import { type RequestContext, socketRooms } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import { JOIN_REQUEST_NOT_FOUND } from '../refusals.ts';
import { addMembers, reviveRooms } from '../store/rooms.ts';
import { namesOf } from '../store/users.ts';
import { ACCESS_DENIED, canManage, memberOf, requireRoom } from './access.ts';
import type { MessagingDeps, MessagingHandlers } from './deps.ts';

type Empty = Record<string, never>;

/** Approval flow: request → owner notified → owner (or an admin) approves or denies. */
export function joinRequestHandlers(
  deps: MessagingDeps,
): Pick<MessagingHandlers, 'room:requestJoin' | 'room:approveJoin' | 'room:denyJoin'> {
  return {
    'room:requestJoin': (payload, ctx) => requestJoin(deps, payload.roomId, ctx),
    'room:approveJoin': (payload, ctx) => decide(deps, payload, ctx, true),
    'room:denyJoin': (payload, ctx) => decide(deps, payload, ctx, false),
  };
}

async function requestJoin(deps: MessagingDeps, roomId: string, ctx: RequestContext): Promise<Empty> {
  const room = await requireRoom(deps.db, roomId);
  if (memberOf(room, ctx.userId)) return {};
  await deps.db.joinRequest.createMany({ data: [{ roomId, userId: ctx.userId }], skipDuplicates: true });
  deps.broadcaster
    .to(socketRooms.user(room.ownerId))
    .emit('room:joinRequested', { roomId, userId: ctx.userId, name: ctx.name });
  return {};
}

async function decide(
  deps: MessagingDeps,
  input: { roomId: string; userId: string },
  ctx: RequestContext,
  approve: boolean,
): Promise<Empty> {
  const { roomId, userId } = input;
  const room = await requireRoom(deps.db, roomId);
  if (!canManage(room, ctx.userId, ctx.role)) throw new AppError('FORBIDDEN', ACCESS_DENIED);
  const { count } = await deps.db.joinRequest.deleteMany({ where: { roomId, userId } });
  if (count === 0) throw new AppError('NOT_FOUND', JOIN_REQUEST_NOT_FOUND);
  if (!approve) {
    deps.broadcaster.to(socketRooms.user(userId)).emit('room:joinDenied', { roomId, userId });
    return {};
  }
  const added = await addMembers(deps.db, roomId, [userId]);
  if (room.archivedAt) await reviveRooms(deps.db, [roomId]);
  deps.broadcaster.in(socketRooms.user(userId)).socketsJoin(socketRooms.room(roomId));
  deps.broadcaster.to(socketRooms.user(userId)).emit('room:joinApproved', { roomId, userId });
  if (added.length > 0) {
    const names = await namesOf(deps.db, [userId]);
    deps.broadcaster.to(socketRooms.room(roomId)).emit('room:userJoined', { roomId, userId, name: names.get(userId)! });
  }
  return {};
}
