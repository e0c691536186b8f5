import crypto from 'node:crypto';
import type { CallInitiateResult, CallResult } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import { scheduleTimer } from '@switchboard/timers';
import { acceptInTx, assertNotBusy, type CallOutcome, endOrConflict } from '../machine/call-engine.ts';
import { TIMER_KINDS } from '../machine/timing.ts';
import { transitionFor } from '../machine/transitions.ts';
import { CALL_NOT_FOUND } from '../refusals.ts';
import { asRow, type CallRow, findCall, findLiveBetween, lockUsers, type Tx } from '../store/call-store.ts';
import { toCall } from '../store/view.ts';
import type { CallDeps, CallHandlers } from './deps.ts';

type LifecycleRequest = 'call:initiate' | 'call:accept' | 'call:reject' | 'call:end';

/**
 * The requests that move a call through its states. Each runs one transaction (conditional
 * UPDATE, timers, webhook outbox), then applies its outcome (events, presence) after the commit.
 */
export function lifecycleHandlers(deps: CallDeps): Pick<CallHandlers, LifecycleRequest> {
  const now = deps.now ?? (() => new Date());
  const inTx = async <T extends { outcome: CallOutcome | null }>(work: (tx: Tx) => Promise<T>): Promise<T> => {
    const result = await deps.db.$transaction(work);
    if (result.outcome) await deps.apply(result.outcome);
    return result;
  };
  const partyCall = async (tx: Tx, callId: string): Promise<CallRow> => {
    const row = await findCall(tx, callId);
    if (!row) throw new AppError('NOT_FOUND', CALL_NOT_FOUND);
    return row;
  };

  return {
    'call:initiate': async ({ recipientId, callType, roomId }, ctx): Promise<CallInitiateResult> => {
      await deps.mayCall(ctx, recipientId, roomId);
      const { row } = await inTx(async (tx) => {
        await lockUsers(tx, [ctx.userId, recipientId]);
        const live = await findLiveBetween(tx, ctx.userId, recipientId);
        // Glare: the recipient's call to us is ringing, so both want to talk: this initiate
        // answers it (one call, one callId for both sides).
        if (live?.state === 'ringing' && live.callerId === recipientId) {
          const outcome = await acceptInTx(tx, live, ctx.socketId, now());
          return { row: outcome.row, outcome };
        }
        // A repeated initiate while our call to them rings is the same call, not a second one.
        if (live?.state === 'ringing') return { row: live, outcome: null };
        await assertNotBusy(tx, ctx.userId, recipientId);
        const row = asRow(
          await tx.call.create({
            data: {
              id: crypto.randomUUID(),
              callerId: ctx.userId,
              callerName: ctx.name,
              calleeId: recipientId,
              callType,
              roomId: roomId ?? null,
              state: 'ringing',
              callerSocketId: ctx.socketId ?? null,
              createdAt: now(),
            },
          }),
        );
        const dueAt = new Date(row.createdAt.getTime() + deps.timing.ringTimeoutMs);
        await scheduleTimer(tx, { kind: TIMER_KINDS.ring, key: row.id, dueAt });
        return { row, outcome: { kind: 'ringing', row } as const };
      });
      return { callId: row.id, call: toCall(row) };
    },

    'call:accept': async ({ callId }, ctx): Promise<CallResult> => {
      const { outcome } = await inTx(async (tx) => {
        const row = await partyCall(tx, callId);
        transitionFor(row, 'accept', ctx.userId);
        return { outcome: await acceptInTx(tx, row, ctx.socketId, now()) };
      });
      return { call: toCall(outcome.row) };
    },

    'call:reject': async ({ callId, reason }, ctx) => {
      await inTx(async (tx) => {
        const row = await partyCall(tx, callId);
        const next = transitionFor(row, 'reject', ctx.userId);
        const outcome = await endOrConflict(tx, deps, row, next.reason ?? 'rejected', 'reject', now());
        return { outcome: { ...outcome, bySocketId: ctx.socketId, note: reason } };
      });
      return {};
    },

    'call:end': async ({ callId }, ctx) => {
      await inTx(async (tx) => {
        const row = await partyCall(tx, callId);
        const next = transitionFor(row, 'end', ctx.userId);
        const outcome = await endOrConflict(tx, deps, row, next.reason ?? 'hangup', 'end', now());
        return { outcome: { ...outcome, bySocketId: ctx.socketId } };
      });
      return {};
    },
  };
}
