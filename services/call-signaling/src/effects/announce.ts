import { socketRooms } from '@switchboard/protocol';
import type { Broadcaster, Logger } from '@switchboard/runtime';
import type { CallRow } from '../store/call-store.ts';
import { toEvent } from '../store/view.ts';

/**
 * What each transition tells whom (PROTOCOL.md, Calls). Runs after the transition committed, so
 * nobody hears of a change that was rolled back. `user:{id}` reaches every device of a user;
 * a socket id reaches one device.
 */
export interface Announcer {
  incoming(row: CallRow): void;
  /** `answeringSocketId`: the callee's device that answered; its siblings hear `answered_elsewhere`. */
  accepted(row: CallRow, answeringSocketId: string | undefined): void;
  /** `byUserSocket`: the socket that made the change (not told again), `note`: the callee's words. */
  ended(row: CallRow, byUserSocket?: string, note?: string): void;
}

export function createAnnouncer(broadcaster: Broadcaster, log: Logger): Announcer {
  const caller = (row: CallRow) => socketRooms.user(row.callerId);
  const callee = (row: CallRow) => socketRooms.user(row.calleeId);
  const calleeDevices = (row: CallRow, except: string | undefined) =>
    except ? broadcaster.to(callee(row), except) : broadcaster.to(callee(row));

  return {
    incoming(row) {
      broadcaster.to(callee(row)).emit('call:incoming', toEvent(row));
      log.info({ callId: row.id, from: row.callerId, to: row.calleeId, callType: row.callType }, 'call ringing');
    },

    accepted(row, answeringSocketId) {
      broadcaster.to(caller(row)).emit('call:accepted', toEvent(row));
      calleeDevices(row, answeringSocketId).emit('call:ended', toEvent(row, { reason: 'answered_elsewhere' }));
      log.info({ callId: row.id }, 'call accepted');
    },

    ended(row, bySocket, note) {
      const reason = row.reason ?? 'hangup';
      switch (reason) {
        case 'rejected':
          broadcaster.to(caller(row)).emit('call:rejected', toEvent(row, { reason: note ?? 'rejected' }));
          calleeDevices(row, bySocket).emit('call:ended', toEvent(row, { reason: 'rejected' }));
          break;
        case 'cancelled':
          calleeDevices(row, undefined).emit('call:ended', toEvent(row, { reason: 'cancelled' }));
          broadcaster.to([caller(row), callee(row)]).emit('call:missed', toEvent(row, { reason }));
          break;
        case 'timeout':
          broadcaster.to([caller(row), callee(row)]).emit('call:missed', toEvent(row, { reason }));
          break;
        default: {
          const duration = row.durationSec !== null ? { durationSec: row.durationSec } : {};
          broadcaster.to([caller(row), callee(row)]).emit('call:ended', toEvent(row, { reason, ...duration }));
        }
      }
      log.info({ callId: row.id, reason, durationSec: row.durationSec }, 'call ended');
    },
  };
}
