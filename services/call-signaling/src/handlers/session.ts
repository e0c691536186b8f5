import { eachSession } from '@switchboard/bus';
import type { SessionsPayload } from '@switchboard/protocol';
import { cancelTimers, scheduleTimer } from '@switchboard/timers';
import { graceKey, TIMER_KINDS } from '../machine/timing.ts';
import { idsInLiveCalls, LIVE_STATES, liveCallsOfSocket, liveCallsOfUser } from '../store/call-store.ts';
import type { CallDeps, CallHandlers } from './deps.ts';

/**
 * Devices coming and going (the gateway's fire-and-forget `session:open`/`session:close`). A call
 * lives on two sockets: the caller's initiating one and the callee's answering one. When one of
 * them disconnects, a durable reconnect-grace timer starts; a device of that party connecting
 * before it fires takes the call over (its socket becomes the party's), else the call ends
 * `connection_lost`. Media recovery (ICE restart) is the clients' business.
 */
type SessionCommand = 'session:open' | 'session:close' | 'sessions:open' | 'sessions:close';

export function sessionHandlers(deps: CallDeps): Pick<CallHandlers, SessionCommand> {
  const single = singleSessionHandlers(deps);
  // A gateway's batch: one statement finds the few sockets or users a live call names, and only
  // those go through the single handler (in the batch's order).
  const inLiveCalls = (column: 'user' | 'socket', payload: SessionsPayload): Promise<SessionsPayload> =>
    idsInLiveCalls(
      deps.db,
      column,
      payload.sessions.map((s) => (column === 'user' ? s.userId : s.socketId)),
    ).then((live) => ({
      ...payload,
      sessions: payload.sessions.filter((s) => live.has(column === 'user' ? s.userId : s.socketId)),
    }));
  const open = eachSession(single['session:open'], deps.log);
  const close = eachSession(single['session:close'], deps.log);
  return {
    ...single,
    'sessions:open': async (payload, ctx) => open(await inLiveCalls('user', payload), ctx),
    'sessions:close': async (payload, ctx) => close(await inLiveCalls('socket', payload), ctx),
  };
}

function singleSessionHandlers(deps: CallDeps): Pick<CallHandlers, 'session:open' | 'session:close'> {
  const now = deps.now ?? (() => new Date());
  return {
    'session:close': async ({ socketId }) => {
      const calls = await liveCallsOfSocket(deps.db, socketId);
      for (const row of calls) {
        const userId = row.callerSocketId === socketId ? row.callerId : row.calleeId;
        const dueAt = new Date(now().getTime() + deps.timing.reconnectGraceMs);
        await scheduleTimer(deps.db, {
          kind: TIMER_KINDS.grace,
          key: graceKey(row.id, userId),
          dueAt,
          payload: { socketId, userId },
        });
        deps.log.info(
          { callId: row.id, userId, socketId, graceMs: deps.timing.reconnectGraceMs },
          'call party disconnected',
        );
      }
      return {};
    },

    'session:open': async ({ socketId }, ctx) => {
      const calls = await liveCallsOfUser(deps.db, ctx.userId);
      for (const row of calls) {
        await deps.db.$transaction(async (tx) => {
          // Deleting the timer is the claim: a firing timer holds its row locked, so this waits
          // for it and then deletes nothing — the call is either taken over or ended, never both.
          if ((await cancelTimers(tx, TIMER_KINDS.grace, graceKey(row.id, ctx.userId))) === 0) return;
          const side = row.callerId === ctx.userId ? { callerSocketId: socketId } : { calleeSocketId: socketId };
          await tx.call.updateMany({ where: { id: row.id, state: { in: LIVE_STATES } }, data: side });
          deps.log.info({ callId: row.id, userId: ctx.userId, socketId }, 'call taken over by a reconnected device');
        });
      }
      return {};
    },
  };
}
