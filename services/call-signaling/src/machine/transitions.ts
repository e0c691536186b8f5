import type { CallEndReason, CallState } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import { cannotInState, NOT_A_PARTY, ONLY_RECIPIENT } from '../refusals.ts';

/** What a party asks of a call; `cancel` and `hangup` are how `call:end` reads in each state. */
export type CallAction = 'accept' | 'reject' | 'end' | 'signal' | 'quality';

export interface CallParties {
  callerId: string;
  calleeId: string;
  state: CallState;
}

/** The transition a request makes: the state it requires and what the call becomes. */
export interface Transition {
  from: CallState;
  to: CallState;
  reason?: CallEndReason;
}

/** The CONFLICT sentence of PROTOCOL.md: "Cannot accept call in ended state". */
export function wrongState(action: CallAction, state: CallState): AppError {
  return new AppError('CONFLICT', cannotInState(action, state));
}

/**
 * The state machine, pure: which transition `action` by `userId` makes on `call`, or the error
 * that refuses it. Checked before the conditional UPDATE, which re-checks `from` atomically.
 *
 *   ringing ──accept (callee)──────────► accepted ──end (either)──► ended/hangup
 *      │ ──reject (callee) / end (callee)──► ended/rejected         (connection_lost: timer)
 *      │ ──end (caller)─────────────────► ended/cancelled
 *      └ ──ring timeout (timer)─────────► ended/timeout
 */
export function transitionFor(call: CallParties, action: 'accept' | 'reject' | 'end', userId: string): Transition {
  const isCaller = call.callerId === userId;
  const isCallee = call.calleeId === userId;
  if (!isCaller && !isCallee) throw new AppError('FORBIDDEN', NOT_A_PARTY);
  if ((action === 'accept' || action === 'reject') && !isCallee) throw new AppError('FORBIDDEN', ONLY_RECIPIENT);
  switch (action) {
    case 'accept':
      if (call.state !== 'ringing') throw wrongState(action, call.state);
      return { from: 'ringing', to: 'accepted' };
    case 'reject':
      if (call.state !== 'ringing') throw wrongState(action, call.state);
      return { from: 'ringing', to: 'ended', reason: 'rejected' };
    case 'end':
      if (call.state === 'ringing')
        return { from: 'ringing', to: 'ended', reason: isCaller ? 'cancelled' : 'rejected' };
      if (call.state === 'accepted') return { from: 'accepted', to: 'ended', reason: 'hangup' };
      throw wrongState(action, call.state);
  }
}

/** Requests that need a live call but change nothing (signals, quality samples). */
export function requireLive(call: CallParties, action: 'signal' | 'quality', userId: string): void {
  if (call.callerId !== userId && call.calleeId !== userId) throw new AppError('FORBIDDEN', NOT_A_PARTY);
  if (call.state === 'ended') throw wrongState(action, call.state);
  if (action === 'quality' && call.state !== 'accepted') throw wrongState(action, call.state);
}

/** A missed call, for the call log, webhooks and the callee's notification. */
export function isMissed(reason: CallEndReason | undefined): boolean {
  return reason === 'timeout' || reason === 'cancelled';
}
