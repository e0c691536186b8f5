import type { Db } from '@switchboard/db';
import { socketRooms } from '@switchboard/protocol';
import type { Broadcaster } from '@switchboard/runtime';

/** Unread notifications of one user. */
export async function unreadCount(db: Db, userId: string): Promise<number> {
  return db.notificationRecipient.count({ where: { userId, readAt: null } });
}

/**
 * Tell every device of these users their unread count now. One grouped query for any number of
 * users, and one broadcast per distinct count (to all the `user:{id}` rooms sharing it), so a
 * 10,000-subscriber topic costs a handful of emits, not 10,000.
 */
export async function pushUnreadCounts(db: Db, broadcaster: Broadcaster, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const counts = await db.notificationRecipient.groupBy({
    by: ['userId'],
    where: { userId: { in: userIds }, readAt: null },
    _count: { _all: true },
  });
  const byCount = new Map<number, string[]>();
  const counted = new Map(counts.map((c) => [c.userId, c._count._all]));
  for (const userId of userIds) {
    const count = counted.get(userId) ?? 0;
    const rooms = byCount.get(count) ?? [];
    rooms.push(socketRooms.user(userId));
    byCount.set(count, rooms);
  }
  for (const [unreadCount, rooms] of byCount) broadcaster.to(rooms).emit('notification:unread', { unreadCount });
}
