import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallState } from '@switchboard/protocol';
import { isAppError } from '@switchboard/runtime';
import { isMissed, requireLive, transitionFor } from './transitions.ts';

const call = (state: CallState) => ({ callerId: 'alice', calleeId: 'bob', state });
const refusal = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (error) {
    assert.ok(isAppError(error), `expected an AppError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  }
  assert.fail('expected a refusal');
};

describe('call state machine', () => {
  test('the callee accepts a ringing call', () => {
    assert.deepEqual(transitionFor(call('ringing'), 'accept', 'bob'), { from: 'ringing', to: 'accepted' });
  });

  test('the callee rejects a ringing call, or ends it (which is a rejection)', () => {
    assert.deepEqual(transitionFor(call('ringing'), 'reject', 'bob'), {
      from: 'ringing',
      to: 'ended',
      reason: 'rejected',
    });
    assert.deepEqual(transitionFor(call('ringing'), 'end', 'bob'), {
      from: 'ringing',
      to: 'ended',
      reason: 'rejected',
    });
  });

  test('the caller ending a ringing call cancels it', () => {
    assert.deepEqual(transitionFor(call('ringing'), 'end', 'alice'), {
      from: 'ringing',
      to: 'ended',
      reason: 'cancelled',
    });
  });

  test('either party ending an accepted call hangs up', () => {
    for (const who of ['alice', 'bob']) {
      assert.deepEqual(transitionFor(call('accepted'), 'end', who), {
        from: 'accepted',
        to: 'ended',
        reason: 'hangup',
      });
    }
  });

  test('a request that does not fit the state is CONFLICT with the state named', () => {
    assert.deepEqual(
      refusal(() => transitionFor(call('ended'), 'accept', 'bob')),
      { code: 'CONFLICT', message: 'Cannot accept call in ended state' },
    );
    assert.deepEqual(
      refusal(() => transitionFor(call('accepted'), 'accept', 'bob')),
      { code: 'CONFLICT', message: 'Cannot accept call in accepted state' },
    );
    assert.deepEqual(
      refusal(() => transitionFor(call('accepted'), 'reject', 'bob')),
      { code: 'CONFLICT', message: 'Cannot reject call in accepted state' },
    );
    assert.deepEqual(
      refusal(() => transitionFor(call('ended'), 'end', 'alice')),
      { code: 'CONFLICT', message: 'Cannot end call in ended state' },
    );
  });

  test('a non-party is FORBIDDEN whatever the state, and the caller cannot accept or reject', () => {
    for (const state of ['ringing', 'accepted', 'ended'] as const) {
      for (const action of ['accept', 'reject', 'end'] as const) {
        assert.deepEqual(
          refusal(() => transitionFor(call(state), action, 'mallory')),
          {
            code: 'FORBIDDEN',
            message: 'Access denied to this call',
          },
        );
      }
    }
    assert.equal(refusal(() => transitionFor(call('ringing'), 'accept', 'alice')).code, 'FORBIDDEN');
    assert.equal(refusal(() => transitionFor(call('ringing'), 'reject', 'alice')).code, 'FORBIDDEN');
  });

  test('signals need a live call; quality samples an accepted one', () => {
    assert.doesNotThrow(() => requireLive(call('ringing'), 'signal', 'alice'));
    assert.doesNotThrow(() => requireLive(call('accepted'), 'signal', 'bob'));
    assert.doesNotThrow(() => requireLive(call('accepted'), 'quality', 'bob'));
    assert.deepEqual(
      refusal(() => requireLive(call('ended'), 'signal', 'alice')),
      {
        code: 'CONFLICT',
        message: 'Cannot signal call in ended state',
      },
    );
    assert.equal(refusal(() => requireLive(call('ringing'), 'quality', 'alice')).code, 'CONFLICT');
    assert.equal(refusal(() => requireLive(call('accepted'), 'signal', 'mallory')).code, 'FORBIDDEN');
  });

  test('only timeouts and cancellations are missed calls', () => {
    assert.deepEqual((['rejected', 'cancelled', 'timeout', 'hangup', 'connection_lost'] as const).filter(isMissed), [
      'cancelled',
      'timeout',
    ]);
  });
});
