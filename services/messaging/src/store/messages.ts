import type { Db, Prisma } from '@switchboard/db';
import type { Attachment, Message } from '@switchboard/protocol';

export interface MessageRow {
  id: string;
  roomId: string;
  seq: number;
  senderId: string;
  content: string;
  targetUserId: string | null;
  clientMessageId: string | null;
  attachments: unknown;
  createdAt: Date;
}

export function toMessage(row: MessageRow): Message {
  const message: Message = {
    id: row.id,
    roomId: row.roomId,
    seq: row.seq,
    senderId: row.senderId,
    content: row.content,
    createdAt: row.createdAt.toISOString(),
  };
  if (row.targetUserId) message.targetUserId = row.targetUserId;
  if (row.clientMessageId) message.clientMessageId = row.clientMessageId;
  if (Array.isArray(row.attachments) && row.attachments.length > 0)
    message.attachments = row.attachments as Attachment[];
  return message;
}

/** Private messages are readable by their sender and target only: filtered here, never by clients. */
export function visibleTo(userId: string): Prisma.MessageWhereInput {
  return { OR: [{ targetUserId: null }, { senderId: userId }, { targetUserId: userId }] };
}

export interface HistoryQuery {
  roomId: string;
  userId: string;
  beforeSeq?: number;
  afterSeq?: number;
  limit: number;
}

/**
 * A page of history in ascending seq. `afterSeq` pages forward from a cursor; otherwise the page
 * ends just before `beforeSeq` (or at the newest message). `hasMore` says the page was full.
 */
export async function historyPage(db: Db, q: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
  const seq: Prisma.IntFilter = {};
  if (q.beforeSeq !== undefined) seq.lt = q.beforeSeq;
  if (q.afterSeq !== undefined) seq.gt = q.afterSeq;
  const forward = q.afterSeq !== undefined;
  const rows = await db.message.findMany({
    where: { roomId: q.roomId, seq, ...visibleTo(q.userId) },
    orderBy: { seq: forward ? 'asc' : 'desc' },
    take: q.limit + 1,
  });
  const hasMore = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  if (!forward) page.reverse();
  return { messages: page.map(toMessage), hasMore };
}

/** Everything after each cursor, visible to the user, in (room, seq) order, at most `cap`. */
export async function messagesSince(
  db: Db,
  userId: string,
  cursors: Map<string, number>,
  cap: number,
): Promise<{ messages: Message[]; hasMore: boolean }> {
  if (cursors.size === 0) return { messages: [], hasMore: false };
  const rows = await db.message.findMany({
    where: {
      AND: [{ OR: [...cursors].map(([roomId, lastSeq]) => ({ roomId, seq: { gt: lastSeq } })) }, visibleTo(userId)],
    },
    orderBy: [{ roomId: 'asc' }, { seq: 'asc' }],
    take: cap + 1,
  });
  return { messages: rows.slice(0, cap).map(toMessage), hasMore: rows.length > cap };
}
