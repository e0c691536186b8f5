import { type RequestContext, SyncPayload, type SyncResult } from '@switchboard/protocol';
import { parseOrThrow } from '@switchboard/runtime';
import { messagesSince } from '../store/messages.ts';
import type { MessagingDeps } from './deps.ts';

/** Most messages one `sync` returns; `hasMore` tells the client to sync again from its new cursors. */
export const SYNC_CAP = 1000;

/**
 * Recovery after a reconnect: everything after each cursor, for rooms the user is a member of
 * (other rooms are skipped silently, so a stale client list is harmless), private ones filtered.
 */
export function syncHandlers(deps: MessagingDeps, cap = SYNC_CAP) {
  return {
    sync: async (payload: unknown, ctx: RequestContext): Promise<SyncResult> => {
      const { rooms } = parseOrThrow(SyncPayload, payload);
      const requested = Object.keys(rooms);
      const memberships = requested.length
        ? await deps.db.roomMember.findMany({
            where: { userId: ctx.userId, roomId: { in: requested } },
            select: { roomId: true },
          })
        : [];
      const cursors = new Map(memberships.map((m) => [m.roomId, rooms[m.roomId]!]));
      return messagesSince(deps.db, ctx.userId, cursors, cap);
    },
  };
}
