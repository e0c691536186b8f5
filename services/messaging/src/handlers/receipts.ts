import { CursorPayload, type RequestContext, socketRooms } from '@switchboard/protocol';
import { parseOrThrow } from '@switchboard/runtime';
import { advanceCursor, type CursorKind } from '../store/receipts.ts';
import { requireMembership } from './access.ts';
import type { MessagingDeps } from './deps.ts';

/** Delivery and read receipts are cursors ("everything up to seq"); they only move forward. */
export function receiptHandlers(deps: MessagingDeps) {
  const cursor =
    (kind: CursorKind) =>
    async (payload: unknown, ctx: RequestContext): Promise<Record<string, never>> => {
      const { roomId, seq } = parseOrThrow(CursorPayload, payload);
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
