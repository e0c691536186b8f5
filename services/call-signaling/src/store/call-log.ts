import type { Db } from '@switchboard/db';
import { AppError } from '@switchboard/runtime';
import { BEFORE_NOT_YOURS } from '../refusals.ts';
import { asRow, type CallRow } from './call-store.ts';

export const DEFAULT_LOG_LIMIT = 20;

/**
 * A user's calls, newest first (as caller or callee, missed included). `before` is the id of the
 * last call of the previous page; it must be one of the user's calls.
 */
export async function callLogPage(
  db: Db,
  userId: string,
  { limit = DEFAULT_LOG_LIMIT, before }: { limit?: number | undefined; before?: string | undefined },
): Promise<{ rows: CallRow[]; hasMore: boolean }> {
  const mine = { OR: [{ callerId: userId }, { calleeId: userId }] };
  let cursor: { createdAt: Date; id: string } | undefined;
  if (before !== undefined) {
    const row = await db.call.findFirst({ where: { id: before, ...mine }, select: { createdAt: true, id: true } });
    if (!row) throw new AppError('INVALID_PAYLOAD', BEFORE_NOT_YOURS);
    cursor = row;
  }
  const rows = await db.call.findMany({
    where: {
      ...mine,
      ...(cursor
        ? {
            AND: [
              {
                OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
              },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  return { rows: rows.slice(0, limit).map(asRow), hasMore: rows.length > limit };
}
