import type { Call, CallEndReason, CallEvent, CallState, CallType } from '@switchboard/protocol';
import type { CallRow } from './call-store.ts';

/** The row as clients see it (acks, the call log, webhook data). */
export function toCall(row: CallRow): Call {
  return {
    callId: row.id,
    from: row.callerId,
    to: row.calleeId,
    callType: row.callType as CallType,
    ...(row.roomId ? { roomId: row.roomId } : {}),
    state: row.state as CallState,
    ...(row.reason ? { reason: row.reason as CallEndReason } : {}),
    createdAt: row.createdAt.toISOString(),
    ...(row.answeredAt ? { answeredAt: row.answeredAt.toISOString() } : {}),
    ...(row.endedAt ? { endedAt: row.endedAt.toISOString() } : {}),
    ...(row.durationSec !== null ? { durationSec: row.durationSec } : {}),
  };
}

/** The identity every `call:*` event carries, plus the fields of that event. */
export function toEvent(row: CallRow, extra: { reason?: string; durationSec?: number } = {}): CallEvent {
  return {
    callId: row.id,
    from: row.callerId,
    to: row.calleeId,
    callType: row.callType as CallType,
    ...(row.roomId ? { roomId: row.roomId } : {}),
    ...extra,
  };
}
