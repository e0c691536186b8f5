// The SDK's call helpers against a real Switchboard in this process: gateway, messaging and
// call-signaling on a MemoryBus and a fresh database, clients over real websockets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { service as callSignaling } from '@switchboard/call-signaling';
import { service as messaging } from '@switchboard/messaging';
import type { CallEvent, CallSignalEvent } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { type SwitchboardClient, SwitchboardError } from './index.ts';
import { type LocalSwitchboard, startLocalSwitchboard } from './testing/local-switchboard.ts';

describe('client.calls against a running Switchboard', () => {
  let switchboard: LocalSwitchboard;

  before(async () => {
    switchboard = await startLocalSwitchboard('calls', [messaging, callSignaling]);
  });

  after(() => switchboard.close());

  const user = (userId: string): Promise<SwitchboardClient> => switchboard.connect(userId);

  test('initiate → incoming → accept → accepted, a signal each way, end → ended', async () => {
    const alice = await user('sdk-alice');
    const bob = await user('sdk-bob');
    await alice.createRoom({ type: 'group', name: 'sdk calls', memberIds: ['sdk-bob'] });
    const seen: string[] = [];
    const incoming = new Promise<CallEvent>((resolve) => bob.calls.onIncoming(resolve));
    const accepted = new Promise<CallEvent>((resolve) => alice.calls.onAccepted(resolve));
    const toBob = new Promise<CallSignalEvent>((resolve) => bob.calls.onSignal(resolve));
    const toAlice = new Promise<CallSignalEvent>((resolve) => alice.calls.onSignal(resolve));
    const ended = new Promise<CallEvent>((resolve) => bob.calls.onEnded((e) => e.reason === 'hangup' && resolve(e)));
    alice.calls.onEnded((e) => seen.push(`alice ended ${e.reason}`));

    const call = await alice.calls.initiate('sdk-bob', 'audio');
    assert.equal(call.state, 'ringing');
    assert.equal((await incoming).callId, call.callId);
    await alice.calls.signal(call.callId, 'offer', { type: 'offer', sdp: 'v=0' });
    assert.deepEqual((await toBob).signal, { type: 'offer', sdp: 'v=0' });
    const answered = await bob.calls.accept(call.callId);
    assert.equal(answered.state, 'accepted');
    assert.equal((await accepted).callId, call.callId);
    await bob.calls.signal(call.callId, 'answer', { type: 'answer', sdp: 'v=0' });
    assert.equal((await toAlice).signalType, 'answer');
    await bob.calls.quality(call.callId, { rtt: 20, jitter: 2, packetLoss: 0 });
    await alice.calls.end(call.callId);
    assert.equal((await ended).reason, 'hangup');
    await waitFor(() => seen.includes('alice ended hangup'), { what: 'the caller to hear the hangup' });
  });

  test('a refusal rejects with a SwitchboardError carrying the code and the sentence', async () => {
    const carol = await user('sdk-carol');
    await assert.rejects(carol.calls.accept('no-such-call'), (error: unknown) => {
      assert.ok(error instanceof SwitchboardError);
      assert.equal(error.code, 'NOT_FOUND');
      assert.equal(error.message, 'Call not found');
      return true;
    });
    await assert.rejects(carol.calls.initiate('sdk-nobody', 'video'), { code: 'FORBIDDEN' });
  });
});
