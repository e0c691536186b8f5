import type { Bus } from '@switchboard/bus';
import type { RequestContext } from '@switchboard/protocol';
import { AppError, errorMessage, type Logger } from '@switchboard/runtime';
import { MEMBERSHIPS_DOWN, ROOM_NOT_SHARED, SELF_CALL, STRANGER } from '../refusals.ts';

export const ADMIN_ROLE = 'admin';

/**
 * Who may call whom (docs/security.md): anyone they share a room with, admins anyone; a
 * `roomId`, when given, must be a room both belong to. Memberships are messaging's, asked over
 * the bus; when it does not answer the call is refused UNAVAILABLE, never let through.
 */
export type MayCall = (ctx: RequestContext, recipientId: string, roomId?: string) => Promise<void>;

export function createMayCall(bus: Bus, log: Logger, timeoutMs = 2000): MayCall {
  const ask = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (error) {
      log.warn({ err: errorMessage(error) }, 'membership lookup failed');
      throw new AppError('UNAVAILABLE', MEMBERSHIPS_DOWN);
    }
  };
  const roomsOf = (userId: string, ctx: RequestContext) =>
    ask(() => bus.request('messaging', 'rooms:ofUser', { userId }, ctx, { timeoutMs }));

  return async (ctx, recipientId, roomId) => {
    if (recipientId === ctx.userId) throw new AppError('INVALID_PAYLOAD', SELF_CALL);
    if (roomId !== undefined) {
      const [mine, theirs] = await Promise.all([roomsOf(ctx.userId, ctx), roomsOf(recipientId, ctx)]);
      if (!mine.roomIds.includes(roomId) || !theirs.roomIds.includes(roomId))
        throw new AppError('FORBIDDEN', ROOM_NOT_SHARED);
      return;
    }
    if (ctx.role === ADMIN_ROLE) return;
    const { userIds } = await ask(() =>
      bus.request('messaging', 'users:sharingRoom', { userId: ctx.userId, candidates: [recipientId] }, ctx, {
        timeoutMs,
      }),
    );
    if (!userIds.includes(recipientId)) throw new AppError('FORBIDDEN', STRANGER);
  };
}
