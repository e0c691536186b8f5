import { type Db, sql } from '@switchboard/db';
import type { Principal } from '@switchboard/protocol';

// The statements of `session:open` (users.ts, rooms.ts, receipts.ts) for a gateway's batch of
// sessions: each one statement for the whole batch instead of one per socket.

/** `upsertUser` for many users; a user with two sockets in the batch is written once (its last). */
export async function upsertUsers(db: Db, principals: Principal[]): Promise<void> {
  const users = [...new Map(principals.map((p) => [p.userId, p])).values()];
  if (users.length === 0) return;
  // ON CONFLICT may touch a row once per statement: hence the de-duplication above.
  await sql(
    db,
    `INSERT INTO "User" ("id", "name", "role", "phone", "updatedAt")
     SELECT u.id, u.name, u.role, u.phone, now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, name, role, phone)
     ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "role" = EXCLUDED."role",
       "phone" = EXCLUDED."phone", "updatedAt" = now()`,
    [users.map((u) => u.userId), users.map((u) => u.name), users.map((u) => u.role), users.map((u) => u.phone ?? null)],
  );
}

/** `roomIdsOfUser` for many users (same order per user); every user asked has an entry. */
export async function roomIdsOfUsers(db: Db, userIds: string[]): Promise<Map<string, string[]>> {
  const rooms = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return rooms;
  const rows = await sql<{ userId: string; roomId: string }>(
    db,
    `SELECT "userId", "roomId" FROM "RoomMember" WHERE "userId" = ANY($1::text[])
     ORDER BY "userId", "joinedAt" ASC, "roomId" ASC`,
    [[...rooms.keys()]],
  );
  for (const row of rows) rooms.get(row.userId)?.push(row.roomId);
  return rooms;
}

/** `unreadCounts` of each user for each of its rooms (0 where nothing is unread). */
export async function unreadCountsOfUsers(
  db: Db,
  roomsOf: Map<string, string[]>,
): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>();
  for (const [userId, roomIds] of roomsOf) counts.set(userId, Object.fromEntries(roomIds.map((id) => [id, 0])));
  const users = [...roomsOf].filter(([, roomIds]) => roomIds.length > 0).map(([userId]) => userId);
  if (users.length === 0) return counts;
  const rows = await sql<{ userId: string; roomId: string; count: number }>(
    db,
    `SELECT rm."userId", m."roomId", count(*)::int AS count
     FROM "RoomMember" rm JOIN "Message" m ON m."roomId" = rm."roomId" AND m.seq > rm."readSeq"
     WHERE rm."userId" = ANY($1::text[])
       AND m."senderId" <> rm."userId" AND (m."targetUserId" IS NULL OR m."targetUserId" = rm."userId")
     GROUP BY rm."userId", m."roomId"`,
    [users],
  );
  for (const row of rows) {
    const own = counts.get(row.userId);
    // A room joined after the rooms were read is not in the answer: not counted either.
    if (own && Object.hasOwn(own, row.roomId)) own[row.roomId] = row.count;
  }
  return counts;
}
