import type { Db } from '@switchboard/db';
import type { NotificationListResult } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import { BEFORE_NOT_YOURS, NOTIFICATION_NOT_FOUND } from '../refusals.ts';
import { toNotification } from './notification-view.ts';

const DEFAULT_PAGE = 20;

/**
 * A page of the user's inbox, newest first. `before` is the id of the last notification of the
 * previous page; it must be one of the user's own (another user's id tells nothing).
 */
export async function listInbox(
  db: Db,
  userId: string,
  { before, limit = DEFAULT_PAGE }: { before?: string | undefined; limit?: number | undefined },
): Promise<NotificationListResult> {
  let cursor: bigint | undefined;
  if (before !== undefined) {
    const anchor = await db.notificationRecipient.findUnique({
      where: { notificationId_userId: { notificationId: before, userId } },
      select: { seq: true },
    });
    if (!anchor) throw new AppError('INVALID_PAYLOAD', BEFORE_NOT_YOURS);
    cursor = anchor.seq;
  }
  const rows = await db.notificationRecipient.findMany({
    where: { userId, ...(cursor !== undefined ? { seq: { lt: cursor } } : {}) },
    orderBy: { seq: 'desc' },
    take: limit + 1,
    include: { notification: true },
  });
  const page = rows.slice(0, limit);
  return {
    notifications: page.map((r) => toNotification(r.notification, r.readAt)),
    hasMore: rows.length > limit,
  };
}

/**
 * Mark one of the user's notifications read. Answers whether the unread count changed; an id
 * that is not the user's is NOT_FOUND, the same answer as an unknown one.
 */
export async function markRead(db: Db, userId: string, notificationId: string): Promise<boolean> {
  const { count } = await db.notificationRecipient.updateMany({
    where: { notificationId, userId, readAt: null },
    data: { readAt: new Date() },
  });
  if (count > 0) return true;
  const mine = await db.notificationRecipient.findUnique({
    where: { notificationId_userId: { notificationId, userId } },
    select: { seq: true },
  });
  if (!mine) throw new AppError('NOT_FOUND', NOTIFICATION_NOT_FOUND);
  return false;
}

/** Mark every unread notification of the user read; how many were. */
export async function markAllRead(db: Db, userId: string): Promise<number> {
  const { count } = await db.notificationRecipient.updateMany({
    where: { userId, readAt: null },
    data: { readAt: new Date() },
  });
  return count;
}
