import type { CallEndReason } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import { cancelTimers, cancelTimersWithPrefix, scheduleTimer } from '@switchboard/timers';
import type { WebhookOutbox } from '@switchboard/webhooks';
import { CALLER_BUSY, RECIPIENT_BUSY } from '../refusals.ts';
import { busyUsers, type CallRow, findCall, lockUsers, type Tx, transitionCall } from '../store/call-store.ts';
import { toCall } from '../store/view.ts';
import { TIMER_KINDS } from './timing.ts';
import { isMissed, wrongState } from './transitions.ts';

/** What a committed transition still has to do outside the transaction (emits, presence). */
export type CallOutcome =
  | { kind: 'ringing'; row: CallRow }
  | { kind: 'accepted'; row: CallRow; answeringSocketId: string | undefined }
  | { kind: 'ended'; row: CallRow; wasAccepted: boolean; bySocketId?: string | undefined; note?: string | undefined };

/** Refuses with CONFLICT when a party is already in another accepted call. Call under lockUsers. */
export async function assertNotBusy(tx: Tx, callerId: string, calleeId: string, exceptCallId?: string) {
  const busy = await busyUsers(tx, [callerId, calleeId], exceptCallId);
  if (busy.has(callerId)) throw new AppError('CONFLICT', CALLER_BUSY);
  if (busy.has(calleeId)) throw new AppError('CONFLICT', RECIPIENT_BUSY);
}

/**
 * ringing → accepted, by the callee's `socketId`. The parties' locks make the busy check and the
 * change one step; the conditional UPDATE makes the first accept of several devices or replicas
 * the only one (the others get CONFLICT "Cannot accept call in accepted state").
 */
export async function acceptInTx(tx: Tx, row: CallRow, socketId: string | undefined, now: Date): Promise<CallOutcome> {
  await lockUsers(tx, [row.callerId, row.calleeId]);
  await assertNotBusy(tx, row.callerId, row.calleeId, row.id);
  const accepted = await transitionCall(tx, row.id, 'ringing', {
    state: 'accepted',
    answeredAt: now,
    calleeSocketId: socketId ?? null,
  });
  if (!accepted) throw wrongState('accept', await currentState(tx, row.id));
  await cancelTimers(tx, TIMER_KINDS.ring, row.id);
  return { kind: 'accepted', row: accepted, answeringSocketId: socketId };
}

export interface EndDeps {
  outbox: WebhookOutbox;
}

/**
 * `row.state` → ended with `reason`, or null when another request or timer changed the call
 * first. Cancels the call's timers, records the webhook event and (for a missed call) the
 * callee's notification, all in the caller's transaction.
 */
export async function endInTx(
  tx: Tx,
  { outbox }: EndDeps,
  row: CallRow,
  reason: CallEndReason,
  now: Date,
): Promise<(CallOutcome & { kind: 'ended' }) | null> {
  const durationSec = row.answeredAt
    ? Math.max(0, Math.round((now.getTime() - row.answeredAt.getTime()) / 1000))
    : null;
  const ended = await transitionCall(tx, row.id, row.state, {
    state: 'ended',
    reason,
    endedAt: now,
    durationSec,
  });
  if (!ended) return null;
  await cancelTimers(tx, TIMER_KINDS.ring, row.id);
  await cancelTimersWithPrefix(tx, TIMER_KINDS.grace, `${row.id}:`);
  const missed = isMissed(reason);
  await outbox.enqueue(tx, missed ? 'call.missed' : 'call.ended', { ...toCall(ended) });
  if (missed) await scheduleTimer(tx, { kind: TIMER_KINDS.missed, key: row.id, dueAt: now });
  return { kind: 'ended', row: ended, wasAccepted: row.state === 'accepted' };
}

/** Like endInTx for a request: a call changed meanwhile is CONFLICT in its new state. */
export async function endOrConflict(
  tx: Tx,
  deps: EndDeps,
  row: CallRow,
  reason: CallEndReason,
  action: 'reject' | 'end',
  now: Date,
): Promise<CallOutcome & { kind: 'ended' }> {
  const outcome = await endInTx(tx, deps, row, reason, now);
  if (!outcome) throw wrongState(action, await currentState(tx, row.id));
  return outcome;
}

async function currentState(tx: Tx, callId: string): Promise<'ringing' | 'accepted' | 'ended'> {
  return ((await findCall(tx, callId))?.state ?? 'ended') as 'ringing' | 'accepted' | 'ended';
}
