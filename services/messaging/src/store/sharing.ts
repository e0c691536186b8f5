import type { Db } from '@switchboard/db';

/**
 * The candidates that are a member of at least one room `userId` is a member of, in one query:
 * the user's memberships (index on userId) joined to the candidates' by primary key (roomId,
 * userId), so the cost grows with rooms × candidates probed, never with the rooms' sizes.
 */
export async function usersSharingRoomWith(db: Db, userId: string, candidates: string[]): Promise<string[]> {
  const unique = [...new Set(candidates)].filter((id) => id !== userId);
  if (unique.length === 0) return [];
  const rows = await db.$queryRaw<{ userId: string }[]>`
    SELECT DISTINCT theirs."userId"
    FROM "RoomMember" mine
    JOIN "RoomMember" theirs ON theirs."roomId" = mine."roomId"
    WHERE mine."userId" = ${userId} AND theirs."userId" = ANY(${unique}::text[])`;
  return rows.map((r) => r.userId);
}
