import { type CallSignalEvent, socketRooms } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import { requireLive } from '../machine/transitions.ts';
import { CALL_NOT_FOUND, OTHER_DEVICE } from '../refusals.ts';
import { type CallRow, findCall } from '../store/call-store.ts';
import type { CallDeps, CallHandlers } from './deps.ts';

/**
 * Where a party's signal goes (PROTOCOL.md): while ringing, the caller's reach every device of
 * the callee (any may answer) and the callee's reach the caller's initiating socket; once
 * accepted, only the two sockets of the call exchange signals, and a party's other device is
 * refused. A socket id is a room of its own, on whichever gateway holds it.
 */
export function signalTarget(row: CallRow, userId: string, socketId: string | undefined): string {
  const isCaller = row.callerId === userId;
  const own = isCaller ? row.callerSocketId : row.calleeSocketId;
  const other = isCaller ? row.calleeSocketId : row.callerSocketId;
  const otherUser = socketRooms.user(isCaller ? row.calleeId : row.callerId);
  if (row.state === 'ringing') return isCaller ? socketRooms.user(row.calleeId) : (row.callerSocketId ?? otherUser);
  if (own && socketId && own !== socketId) throw new AppError('CONFLICT', OTHER_DEVICE);
  return other ?? otherUser;
}

export function signalHandlers(deps: CallDeps): Pick<CallHandlers, 'call:signal'> {
  return {
    'call:signal': async ({ callId, signalType, signal }, ctx) => {
      const row = await findCall(deps.db, callId);
      if (!row) throw new AppError('NOT_FOUND', CALL_NOT_FOUND);
      requireLive(row, 'signal', ctx.userId);
      const event: CallSignalEvent = { callId, from: ctx.userId, signalType, signal };
      deps.broadcaster.to(signalTarget(row, ctx.userId, ctx.socketId)).emit('call:signal', event);
      return {};
    },
  };
}
