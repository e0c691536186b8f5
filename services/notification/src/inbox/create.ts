import crypto from 'node:crypto';
import { Prisma } from '@switchboard/db';
import { type NotificationCreatePayload, type NotificationCreateResult, socketRooms } from '@switchboard/protocol';
import type { NotificationDeps } from '../deps.ts';
import { type NotificationRow, toNotification } from './notification-view.ts';
import { insertRecipients } from './recipients.ts';
import { pushUnreadCountsOfRecipients } from './unread.ts';

export interface CreateOutcome extends NotificationCreateResult {
  /** True when `idempotencyKey` matched an earlier request: nothing was created. */
  duplicate: boolean;
}

/**
 * Persist a notification for its recipients, then push it: `notification:new` to the target's
 * live sockets and `notification:unread` to each recipient's devices. Shared by
 * `POST /api/notifications` and the `notification:create` bus command (missed calls, emergencies).
 */
export async function createNotification(
  deps: NotificationDeps,
  payload: NotificationCreatePayload,
): Promise<CreateOutcome> {
  if (payload.idempotencyKey !== undefined) {
    const earlier = await findByKey(deps, payload.idempotencyKey);
    if (earlier) return earlier;
  }
  let created: { row: NotificationRow; userIds: string[] };
  try {
    created = await persist(deps, payload);
  } catch (error) {
    // Two requests with one key raced: the other one's row won, and is the answer.
    const earlier =
      isUniqueViolation(error) && payload.idempotencyKey && (await findByKey(deps, payload.idempotencyKey));
    if (earlier) return earlier;
    throw error;
  }
  const { row, userIds } = created;
  const notification = toNotification(row, null);
  for (const room of audienceRooms(payload.to, userIds)) {
    deps.broadcaster.to(room).emit('notification:new', notification);
  }
  if (userIds.length > 0) await pushUnreadCountsOfRecipients(deps.db, deps.broadcaster, row.id);
  deps.log.debug({ notificationId: row.id, recipients: userIds.length }, 'notification created');
  return { recipients: userIds.length, notificationIds: [row.id], duplicate: false };
}

async function persist(deps: NotificationDeps, payload: NotificationCreatePayload) {
  return deps.db.$transaction(async (tx) => {
    const row = await tx.notification.create({
      data: {
        id: `ntf_${crypto.randomUUID().replaceAll('-', '')}`,
        type: payload.type,
        title: payload.title,
        body: payload.body,
        priority: payload.priority ?? 'normal',
        topic: payload.to.topic ?? null,
        data: (payload.data ?? {}) as Prisma.InputJsonValue,
        idempotencyKey: payload.idempotencyKey ?? null,
      },
    });
    const userIds = await insertRecipients(tx, row.id, payload.to);
    return { row, userIds };
  });
}

/**
 * Where `notification:new` goes: one broadcast to the topic's or role's room (the sockets that
 * are there are exactly the live audience), or to the `user:{id}` rooms of the recipients.
 */
function audienceRooms(to: NotificationCreatePayload['to'], userIds: string[]): string[][] {
  if (to.topic !== undefined) return [[socketRooms.topic(to.topic)]];
  if (to.role !== undefined) return [[socketRooms.role(to.role)]];
  return userIds.length > 0 ? [userIds.map(socketRooms.user)] : [];
}

async function findByKey(deps: NotificationDeps, idempotencyKey: string): Promise<CreateOutcome | undefined> {
  const row = await deps.db.notification.findUnique({
    where: { idempotencyKey },
    select: { id: true, _count: { select: { recipients: true } } },
  });
  if (!row) return undefined;
  return { recipients: row._count.recipients, notificationIds: [row.id], duplicate: true };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
