import type { Bus } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import type { PresenceStatus, RequestContext } from '@switchboard/protocol';
import { errorMessage, type Logger, requestContext } from '@switchboard/runtime';
import type { CallRow } from '../store/call-store.ts';

/** Statuses a call gives back afterwards; anything else (online, automatic away) becomes `online`. */
const RESTORED: ReadonlySet<PresenceStatus> = new Set(['busy']);

/**
 * Parties are `in_call` in presence while a call is accepted, and get their previous status back
 * after (presence owns statuses: it is asked over the bus as the party). Best effort: presence
 * being down never fails a call; the miss is logged.
 */
export interface PresenceLink {
  enterCall(row: CallRow): Promise<void>;
  leaveCall(row: CallRow): Promise<void>;
}

export function createPresenceLink(bus: Bus, db: Db, log: Logger, timeoutMs = 2000): PresenceLink {
  const as = (userId: string): RequestContext => requestContext({ userId, name: userId, role: 'user' });

  const statusOf = async (userId: string): Promise<string> => {
    const { presences } = await bus.request('presence', 'presence:get', { userIds: [userId] }, as(userId), {
      timeoutMs,
    });
    const status = presences[0]?.status;
    return status && RESTORED.has(status) ? status : 'online';
  };
  const setStatus = (userId: string, status: 'online' | 'busy' | 'in_call') =>
    bus.request('presence', 'presence:setStatus', { status }, as(userId), { timeoutMs });

  return {
    async enterCall(row) {
      try {
        const [callerPrev, calleePrev] = await Promise.all([statusOf(row.callerId), statusOf(row.calleeId)]);
        await db.call.update({
          where: { id: row.id },
          data: { callerPrevStatus: callerPrev, calleePrevStatus: calleePrev },
        });
        // The call may have ended while we asked: then leaving already ran (or will), stay out.
        const still = await db.call.findUnique({ where: { id: row.id }, select: { state: true } });
        if (still?.state !== 'accepted') return;
        await Promise.all([setStatus(row.callerId, 'in_call'), setStatus(row.calleeId, 'in_call')]);
      } catch (error) {
        log.warn({ callId: row.id, err: errorMessage(error) }, 'presence in_call not set');
      }
    },

    async leaveCall(row) {
      try {
        const prev = await db.call.findUnique({
          where: { id: row.id },
          select: { callerPrevStatus: true, calleePrevStatus: true },
        });
        const back = (status: string | null | undefined) => (status === 'busy' ? 'busy' : 'online');
        await Promise.all([
          setStatus(row.callerId, back(prev?.callerPrevStatus)),
          setStatus(row.calleeId, back(prev?.calleePrevStatus)),
        ]);
      } catch (error) {
        log.warn({ callId: row.id, err: errorMessage(error) }, 'presence status not restored');
      }
    },
  };
}
