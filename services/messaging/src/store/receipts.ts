import { type Db, sql } from '@switchboard/db';

export type CursorKind = 'delivered' | 'read';

/**
 * Move a member's cursor forward (never back), clamped to the room's last seq. Reading implies
 * delivery, so `read` pushes both. Returns the new value, or null when nothing moved.
 */
export async function advanceCursor(
  db: Db,
  kind: CursorKind,
  roomId: string,
  userId: string,
  seq: number,
): Promise<number | null> {
  const rows =
    kind === 'read'
      ? await db.$queryRaw<{ seq: number }[]>`
        UPDATE "RoomMember" m SET "readSeq" = LEAST(${seq}::int, r."lastSeq"),
          "deliveredSeq" = GREATEST(m."deliveredSeq", LEAST(${seq}::int, r."lastSeq"))
        FROM "Room" r
        WHERE r.id = m."roomId" AND m."roomId" = ${roomId} AND m."userId" = ${userId} AND m."readSeq" < LEAST(${seq}::int, r."lastSeq")
        RETURNING m."readSeq" AS seq`
      : await db.$queryRaw<{ seq: number }[]>`
        UPDATE "RoomMember" m SET "deliveredSeq" = LEAST(${seq}::int, r."lastSeq")
        FROM "Room" r
        WHERE r.id = m."roomId" AND m."roomId" = ${roomId} AND m."userId" = ${userId} AND m."deliveredSeq" < LEAST(${seq}::int, r."lastSeq")
        RETURNING m."deliveredSeq" AS seq`;
  return rows[0]?.seq ?? null;
}

/**
 * Unread per room for one member: messages after their read cursor, not sent by them, and
 * visible to them (others' private messages do not count). Rooms with nothing unread are 0.
 */
export async function unreadCounts(db: Db, userId: string, roomIds: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(roomIds.map((id) => [id, 0]));
  if (roomIds.length === 0) return counts;
  // On the pool, not through Prisma: every connect of a user with rooms runs it (packages/db/src/sql.ts).
  const rows = await sql<{ roomId: string; count: number }>(
    db,
    `SELECT m."roomId", count(*)::int AS count
     FROM "RoomMember" rm JOIN "Message" m ON m."roomId" = rm."roomId" AND m.seq > rm."readSeq"
     WHERE rm."userId" = $1 AND rm."roomId" = ANY($2::text[])
       AND m."senderId" <> $1 AND (m."targetUserId" IS NULL OR m."targetUserId" = $1)
     GROUP BY m."roomId"`,
    [userId, roomIds],
  );
  for (const row of rows) counts[row.roomId] = row.count;
  return counts;
}
