import { type Db, sql } from '@switchboard/db';
import type { MemberRole, Room, RoomType } from '@switchboard/protocol';
import type { WebhookOutbox } from '@switchboard/webhooks';

export interface MemberRecord {
  userId: string;
  role: string;
}
export interface RoomRecord {
  id: string;
  type: string;
  name: string | null;
  ownerId: string;
  approvalRequired: boolean;
  emergencyContacts: string[];
  lastSeq: number;
  archivedAt: Date | null;
  createdAt: Date;
  members: MemberRecord[];
}

const withMembers = { members: { select: { userId: true, role: true }, orderBy: { joinedAt: 'asc' } } } as const;

export function toRoom(record: RoomRecord): Room {
  return {
    id: record.id,
    type: record.type as RoomType,
    name: record.name,
    ownerId: record.ownerId,
    approvalRequired: record.approvalRequired,
    emergencyContacts: record.emergencyContacts,
    memberIds: record.members.map((m) => m.userId),
    lastSeq: record.lastSeq,
    createdAt: record.createdAt.toISOString(),
  };
}

export async function findRoom(db: Db, roomId: string): Promise<RoomRecord | null> {
  return db.room.findUnique({ where: { id: roomId }, include: withMembers });
}

export async function findDirectRoom(db: Db, directKey: string): Promise<RoomRecord | null> {
  return db.room.findUnique({ where: { directKey }, include: withMembers });
}

/** The protocol's Room as it is before the first message, plus the direct-pair key. */
export type NewRoom = Omit<Room, 'lastSeq' | 'createdAt'> & { directKey: string | null };

/**
 * The room and all its memberships in one transaction; the owner is the first member. The
 * `room.created` webhook event is written in the same transaction (the outbox pattern), so it
 * exists exactly when the room does.
 */
export async function insertRoom(db: Db, room: NewRoom, outbox?: WebhookOutbox): Promise<RoomRecord> {
  const { memberIds, ...fields } = room;
  const members = [
    { userId: room.ownerId, role: 'owner' satisfies MemberRole },
    ...memberIds.filter((id) => id !== room.ownerId).map((userId) => ({ userId, role: 'member' satisfies MemberRole })),
  ];
  return db.$transaction(async (tx) => {
    const created = await tx.room.create({ data: { ...fields, members: { create: members } }, include: withMembers });
    await outbox?.enqueue(tx, 'room.created', {
      roomId: created.id,
      type: created.type,
      name: created.name,
      ownerId: created.ownerId,
      memberIds: created.members.map((m) => m.userId),
    });
    return created;
  });
}

export async function isMember(db: Db, roomId: string, userId: string): Promise<boolean> {
  const row = await db.roomMember.findUnique({
    where: { roomId_userId: { roomId, userId } },
    select: { userId: true },
  });
  return row !== null;
}

/** Add memberships; returns the ids that were not members before. */
export async function addMembers(db: Db, roomId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db.$queryRaw<{ userId: string }[]>`
    INSERT INTO "RoomMember" ("roomId", "userId", "role")
    SELECT ${roomId}, u, 'member' FROM unnest(${userIds}::text[]) AS u
    ON CONFLICT DO NOTHING RETURNING "userId"`;
  return rows.map((r) => r.userId);
}

/** Remove a membership; false when there was none. */
export async function removeMember(db: Db, roomId: string, userId: string): Promise<boolean> {
  const { count } = await db.roomMember.deleteMany({ where: { roomId, userId } });
  return count > 0;
}

export async function roomIdsOfUser(db: Db, userId: string): Promise<string[]> {
  // On the pool, not through Prisma: every connect asks (session:open, and presence's
  // rooms:ofUser when the user comes online); a Prisma findMany compiles its query in WebAssembly
  // on every call (packages/db/src/sql.ts, services/gateway/bench/connect-cpu.ts).
  const rows = await sql<{ roomId: string }>(
    db,
    `SELECT "roomId" FROM "RoomMember" WHERE "userId" = $1 ORDER BY "joinedAt" ASC, "roomId" ASC`,
    [userId],
  );
  return rows.map((r) => r.roomId);
}

/** Rooms listing `phone` as an emergency contact (GIN index on the array). */
export async function roomsWithEmergencyContact(db: Db, phone: string): Promise<RoomRecord[]> {
  return db.room.findMany({ where: { emergencyContacts: { has: phone } }, include: withMembers });
}

/** Archived rooms come back on the next join, send or session; nothing was removed. */
export async function reviveRooms(db: Db, roomIds: string[]): Promise<void> {
  if (roomIds.length === 0) return;
  // On the pool for the same reason as roomIdsOfUser: every connect of a user with rooms runs it.
  // Prisma keeps DateTime as UTC in `timestamp` columns: the same here, whatever the session's zone.
  await sql(
    db,
    `UPDATE "Room" SET "archivedAt" = NULL, "lastActivityAt" = ($2::timestamptz AT TIME ZONE 'UTC')
     WHERE "id" = ANY($1::text[]) AND "archivedAt" IS NOT NULL`,
    [roomIds, new Date().toISOString()],
  );
}
