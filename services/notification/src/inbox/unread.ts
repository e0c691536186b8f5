import type { Db } from '@switchboard/db';
import { socketRooms } from '@switchboard/protocol';
import type { Broadcaster } from '@switchboard/runtime';

/** Unread notifications of one user. */
export async function unreadCount(db: Db, userId: string): Promise<number> {
  return db.notificationRecipient.count({ where: { userId, readAt: null } });
}

/** Tell every device of these few users (a read, a readAll) their unread count now. */
export async function pushUnreadCounts(db: Db, broadcaster: Broadcaster, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const counts = await db.notificationRecipient.groupBy({
    by: ['userId'],
    where: { userId: { in: userIds }, readAt: null },
    _count: { _all: true },
  });
  const counted = new Map(counts.map((c) => [c.userId, c._count._all]));
  emitGrouped(
    broadcaster,
    userIds.map((userId) => ({ userId, unread: counted.get(userId) ?? 0 })),
  );
}

/**
 * Tell every recipient of a notification their unread count now: one grouped query keyed by the
 * notification (one parameter, however many recipients a topic has), then one broadcast per
 * distinct count, so a 10,000-subscriber topic costs a handful of emits, not 10,000.
 */
export async function pushUnreadCountsOfRecipients(
  db: Db,
  broadcaster: Broadcaster,
  notificationId: string,
): Promise<void> {
  const rows = await db.$queryRaw<{ userId: string; unread: bigint }[]>`
    SELECT r."userId", count(*) AS unread
    FROM "NotificationRecipient" mine
    JOIN "NotificationRecipient" r ON r."userId" = mine."userId" AND r."readAt" IS NULL
    WHERE mine."notificationId" = ${notificationId}
    GROUP BY r."userId"`;
  emitGrouped(
    broadcaster,
    rows.map((r) => ({ userId: r.userId, unread: Number(r.unread) })),
  );
}

/** One `notification:unread` per distinct count, to all the `user:{id}` rooms sharing it. */
function emitGrouped(broadcaster: Broadcaster, counts: { userId: string; unread: number }[]): void {
  const byCount = new Map<number, string[]>();
  for (const { userId, unread } of counts) {
    const rooms = byCount.get(unread) ?? [];
    rooms.push(socketRooms.user(userId));
    byCount.set(unread, rooms);
  }
  for (const [unreadCount, rooms] of byCount) broadcaster.to(rooms).emit('notification:unread', { unreadCount });
}
