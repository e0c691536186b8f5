import {
  type MessageHistoryResult,
  type MessageSendPayload,
  type MessageSendResult,
  type Principal,
  socketRooms,
} from '@switchboard/protocol';
import type { z } from 'zod';
import { historyPage } from '../store/messages.ts';
import { requireMembership } from './access.ts';
import type { MessagingDeps, MessagingHandlers } from './deps.ts';

export const DEFAULT_HISTORY_LIMIT = 50;

export function messageHandlers(deps: MessagingDeps): Pick<MessagingHandlers, 'message:send' | 'message:history'> {
  return {
    'message:send': (payload, ctx) => sendMessage(deps, payload, ctx),
    'message:history': async (input, ctx): Promise<MessageHistoryResult> => {
      await requireMembership(deps.db, input.roomId, ctx.userId);
      return historyPage(deps.db, { ...input, userId: ctx.userId, limit: input.limit ?? DEFAULT_HISTORY_LIMIT });
    },
  };
}

/**
 * The one send path (socket and REST): authorise, group-commit, then — only after the commit —
 * push `message:new` and return the ack. Private messages go to sender and target only.
 */
export async function sendMessage(
  deps: MessagingDeps,
  input: z.infer<typeof MessageSendPayload>,
  sender: Principal,
): Promise<MessageSendResult> {
  // Membership, room existence and clientMessageId retries are all checked inside the batch
  // (one query for all its sends), so a send costs no round trip of its own.
  const { message, created } = await deps.committer.submit({
    roomId: input.roomId,
    senderId: sender.userId,
    content: input.content,
    ...(input.targetUserId !== undefined ? { targetUserId: input.targetUserId } : {}),
    ...(input.clientMessageId !== undefined ? { clientMessageId: input.clientMessageId } : {}),
    ...(input.attachments !== undefined ? { attachments: input.attachments } : {}),
  });
  if (created) {
    const to = message.targetUserId
      ? [socketRooms.user(message.senderId), socketRooms.user(message.targetUserId)]
      : socketRooms.room(message.roomId);
    // Marked as the publish starts: in embedded mode the emit itself delivers to every socket.
    if (deps.hops?.sampled(message.clientMessageId)) deps.hops.mark(message.clientMessageId, 'message:new emitted');
    deps.broadcaster.to(to).emit('message:new', message);
  }
  return { message };
}
