import { type CursorPayload, type RequestContext, socketRooms } from '@switchboard/protocol';
import type { z } from 'zod';
import { advanceCursor, type CursorKind } from '../store/receipts.ts';
import { requireMembership } from './access.ts';
import type { MessagingDeps, MessagingHandlers } from './deps.ts';

/** Delivery and read receipts are cursors ("everything up to seq"); they only move forward. */
export function receiptHandlers(deps: MessagingDeps): Pick<MessagingHandlers, 'message:delivered' | 'message:read'> {
  const cursor =
    (kind: CursorKind) =>
    async ({ roomId, seq }: z.infer<typeof CursorPayload>, ctx: RequestContext): Promise<Record<string, never>> => {
      // The UPDATE only matches a membership row, so a moved cursor proves membership: the
      // membership check (for the right refusal) is only needed when nothing moved.
      const moved = await advanceCursor(deps.db, kind, roomId, ctx.userId, seq);
      if (moved === null) {
        await requireMembership(deps.db, roomId, ctx.userId);
        return {};
      }
      const event = kind === 'read' ? 'message:read' : 'message:delivered';
      deps.broadcaster.to(socketRooms.room(roomId)).emit(event, { roomId, userId: ctx.userId, seq: moved });
      return {};
    };
  return { 'message:delivered': cursor('delivered'), 'message:read': cursor('read') };
}
