import type { Bus } from '@switchboard/bus';
import { errorMessage, type Logger, systemContext } from '@switchboard/runtime';
import type { AfterCommit, TimerHandler } from '@switchboard/timers';
import { z } from 'zod';
import type { ApplyOutcome } from '../effects/outcomes.ts';
import { type EndDeps, endInTx } from '../machine/call-engine.ts';
import { TIMER_KINDS } from '../machine/timing.ts';
import { findCall } from '../store/call-store.ts';

const GracePayload = z.object({ socketId: z.string(), userId: z.string() });
/** Past this many failed attempts the missed-call notification is given up (and logged). */
export const MISSED_NOTIFICATION_ATTEMPTS = 8;

export interface CallTimerDeps extends EndDeps {
  bus: Bus;
  log: Logger;
  apply: ApplyOutcome;
  now?: () => Date;
}

/**
 * The durable timers of calls. Each fires inside the transaction that claimed it, so its change
 * of the call commits with the timer's deletion: exactly once, whichever replica polls and
 * whoever was SIGKILLed meanwhile. Events go out after the commit.
 */
export function callTimerHandlers(deps: CallTimerDeps): {
  /** Ring timeouts and reconnect graces: they change calls. */
  calls: Record<string, TimerHandler>;
  /** Missed-call notifications: they wait on another service, so they get a worker of their own. */
  notifications: Record<string, TimerHandler>;
} {
  const now = deps.now ?? (() => new Date());
  const after = (outcome: Parameters<ApplyOutcome>[0] | null): AfterCommit | undefined =>
    outcome ? () => deps.apply(outcome) : undefined;

  const calls: Record<string, TimerHandler> = {
    [TIMER_KINDS.ring]: async (timer, tx) => {
      const row = await findCall(tx, timer.key);
      if (row?.state !== 'ringing') return undefined;
      return after(await endInTx(tx, deps, row, 'timeout', now()));
    },

    [TIMER_KINDS.grace]: async (timer, tx) => {
      const parsed = GracePayload.safeParse(timer.payload);
      if (!parsed.success) return undefined;
      const { socketId, userId } = parsed.data;
      const row = await findCall(tx, timer.key.slice(0, timer.key.lastIndexOf(':')));
      if (!row || row.state === 'ended') return undefined;
      const current = row.callerId === userId ? row.callerSocketId : row.calleeSocketId;
      if (current !== socketId) return undefined; // another device took the call over
      return after(await endInTx(tx, deps, row, 'connection_lost', now()));
    },
  };

  const notifications: Record<string, TimerHandler> = {
    [TIMER_KINDS.missed]: async (timer, tx) => {
      const row = await findCall(tx, timer.key);
      if (!row) return undefined;
      try {
        await deps.bus.request(
          'notification',
          'notification:create',
          {
            to: { user: row.calleeId },
            type: 'call.missed',
            title: `Missed ${row.callType} call`,
            body: `${row.callerName || row.callerId} called you`,
            priority: 'high',
            data: {
              callId: row.id,
              from: row.callerId,
              callType: row.callType,
              ...(row.roomId ? { roomId: row.roomId } : {}),
            },
            idempotencyKey: `call-missed:${row.id}`,
          },
          systemContext('call-signaling'),
          { timeoutMs: 3000 },
        );
      } catch (error) {
        if (timer.attempts + 1 >= MISSED_NOTIFICATION_ATTEMPTS) {
          deps.log.error({ callId: row.id, err: errorMessage(error) }, 'missed-call notification given up');
          return undefined;
        }
        throw error; // the timer is postponed with backoff and tried again
      }
      return undefined;
    },
  };
  return { calls, notifications };
}
