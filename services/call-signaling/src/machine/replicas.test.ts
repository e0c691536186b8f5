// Two call-signaling replicas on one Postgres (separate buses and connection pools, as two
// processes): racing accepts, racing ring timeouts, glare from both sides at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CallEvent, CallInitiateResult } from '@switchboard/protocol';
import { sleep, waitFor } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';

const RING_MS = 1500;

describe('two call-signaling replicas', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ label: 'calls_replicas', replicas: 2, env: { CALL_RING_TIMEOUT_MS: String(RING_MS) } });
    for (let i = 0; i < 20; i++) h.share(`r${i}`, `caller${i}`, `callee${i}`);
  });
  after(async () => {
    await h?.stop();
  });

  test('two devices accepting one call on two replicas at once: exactly one wins, ten times over', async () => {
    for (let i = 0; i < 10; i++) {
      const { callId } = await h.request<CallInitiateResult>(
        'call:initiate',
        { recipientId: `callee${i}`, callType: 'audio' },
        `caller${i}`,
        { socketId: `caller${i}-s` },
      );
      const results = await Promise.allSettled([
        h.request('call:accept', { callId }, `callee${i}`, { socketId: `callee${i}-phone`, on: 0 }),
        h.request('call:accept', { callId }, `callee${i}`, { socketId: `callee${i}-laptop`, on: 1 }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1, `call ${i}: one accept wins`);
      assert.match(String((lost[0] as PromiseRejectedResult).reason.message), /Cannot accept call in accepted state/);
      const row = await h.db.call.findUniqueOrThrow({ where: { id: callId } });
      assert.equal(row.state, 'accepted');
      const accepted = h.events<CallEvent>('call:accepted').filter((e) => e.data.callId === callId);
      assert.equal(accepted.length, 1, 'the caller hears accepted once');
      await h.request('call:end', { callId }, `caller${i}`);
    }
  });

  test('ring timeouts with both replicas polling: every call missed exactly once', async () => {
    const ids: string[] = [];
    for (let i = 10; i < 20; i++) {
      const { callId } = await h.request<CallInitiateResult>(
        'call:initiate',
        { recipientId: `callee${i}`, callType: 'video' },
        `caller${i}`,
        { on: i % 2 },
      );
      ids.push(callId);
    }
    const missedOf = (id: string) => h.events<CallEvent>('call:missed').filter((e) => e.data.callId === id);
    await waitFor(() => ids.every((id) => missedOf(id).length > 0), { timeoutMs: 60_000, what: 'every ring timeout' });
    await sleep(RING_MS); // a second firing, if any, would land in this window
    for (const id of ids) {
      assert.equal(missedOf(id).length, 1, `call ${id} missed once`);
      const row = await h.db.call.findUniqueOrThrow({ where: { id } });
      assert.equal(row.reason, 'timeout');
    }
    const byReplica = h.replicas.map((r) => r.broadcaster.all('call:missed').length);
    assert.equal(byReplica[0]! + byReplica[1]!, ids.length);
    await waitFor(() => ids.every((id) => h.notifications.filter((x) => x.data?.callId === id).length === 1), {
      timeoutMs: 30_000,
      what: 'one missed-call notification per call',
    });
  });

  test('glare from both sides at once, on two replicas: one call, both told the same callId', async () => {
    h.share('glare', 'g1', 'g2');
    const [x, y] = await Promise.all([
      h.request<CallInitiateResult>('call:initiate', { recipientId: 'g2', callType: 'audio' }, 'g1', {
        socketId: 'g1-s',
        on: 0,
      }),
      h.request<CallInitiateResult>('call:initiate', { recipientId: 'g1', callType: 'audio' }, 'g2', {
        socketId: 'g2-s',
        on: 1,
      }),
    ]);
    assert.equal(x.callId, y.callId);
    assert.equal(await h.db.call.count({ where: { callerId: { in: ['g1', 'g2'] } } }), 1);
    const row = await h.db.call.findUniqueOrThrow({ where: { id: x.callId } });
    assert.equal(row.state, 'accepted', 'the second initiate answered the first');
  });
});
