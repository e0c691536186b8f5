import type { Db } from '@switchboard/db';
import { AppError } from '@switchboard/runtime';
import { ACCESS_DENIED, ROOM_NOT_FOUND } from '../refusals.ts';
import { findRoom, isMember, type RoomRecord } from '../store/rooms.ts';

export { ACCESS_DENIED, ROOM_NOT_FOUND };

export async function requireRoom(db: Db, roomId: string): Promise<RoomRecord> {
  const room = await findRoom(db, roomId);
  if (!room) throw new AppError('NOT_FOUND', ROOM_NOT_FOUND);
  return room;
}

export function memberOf(room: RoomRecord, userId: string): boolean {
  return room.members.some((m) => m.userId === userId);
}

/** NOT_FOUND for an unknown room, FORBIDDEN for a non-member. */
export async function requireMembership(db: Db, roomId: string, userId: string): Promise<void> {
  if (await isMember(db, roomId, userId)) return;
  const exists = await db.room.findUnique({ where: { id: roomId }, select: { id: true } });
  throw exists ? new AppError('FORBIDDEN', ACCESS_DENIED) : new AppError('NOT_FOUND', ROOM_NOT_FOUND);
}

/** Owners run their room; admins may act on any room. */
export function canManage(room: RoomRecord, userId: string, role: string): boolean {
  return (
    role === 'admin' || room.members.some((m) => m.userId === userId && m.role === 'owner') || room.ownerId === userId
  );
}
