import type { Prisma } from '@switchboard/db';
import type { NotificationCreatePayload } from '@switchboard/protocol';

type Target = NotificationCreatePayload['to'];

/**
 * Write one recipient row per user of the target, in one statement whatever their number: a
 * topic or role is resolved inside Postgres with INSERT … SELECT (no round trip per subscriber).
 * Returns the users the notification was written for.
 */
export async function insertRecipients(
  tx: Prisma.TransactionClient,
  notificationId: string,
  to: Target,
): Promise<string[]> {
  if (to.topic !== undefined) {
    const rows = await tx.$queryRaw<{ userId: string }[]>`
      INSERT INTO "NotificationRecipient" ("notificationId", "userId")
      SELECT ${notificationId}, "userId" FROM "TopicSubscription" WHERE "topic" = ${to.topic}
      ON CONFLICT DO NOTHING
      RETURNING "userId"`;
    return rows.map((r) => r.userId);
  }
  if (to.role !== undefined) {
    const rows = await tx.$queryRaw<{ userId: string }[]>`
      INSERT INTO "NotificationRecipient" ("notificationId", "userId")
      SELECT ${notificationId}, "id" FROM "NotificationUser" WHERE "role" = ${to.role}
      ON CONFLICT DO NOTHING
      RETURNING "userId"`;
    return rows.map((r) => r.userId);
  }
  const userIds = [...new Set(to.users ?? (to.user !== undefined ? [to.user] : []))];
  await tx.notificationRecipient.createMany({
    data: userIds.map((userId) => ({ notificationId, userId })),
    skipDuplicates: true,
  });
  return userIds;
}
