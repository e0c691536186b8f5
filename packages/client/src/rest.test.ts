// The SDK's REST helpers against a real Switchboard in this process (gateway, messaging and
// call-signaling on a MemoryBus and a fresh database, their routes under /api as in `npm start`).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { service as callSignaling } from '@switchboard/call-signaling';
import { service as messaging } from '@switchboard/messaging';
import type { CallEvent } from '@switchboard/protocol';
import { fetchCallLog, fetchIceServers, SwitchboardError } from './index.ts';
import { type LocalSwitchboard, startLocalSwitchboard } from './testing/local-switchboard.ts';

const ICE_SERVERS = [
  { urls: 'stun:stun.example.org:3478' },
  { urls: ['turn:turn.example.org:3478?transport=udp'], username: 'sdk', credential: 'secret' },
];

describe('fetchCallLog and fetchIceServers against a running Switchboard', () => {
  let switchboard: LocalSwitchboard;
  const as = (userId: string) => ({ url: switchboard.url, token: switchboard.token(userId) });

  before(async () => {
    switchboard = await startLocalSwitchboard('rest', [messaging, callSignaling], {
      WEB_ICE_SERVERS: JSON.stringify(ICE_SERVERS),
    });
  });

  after(() => switchboard.close());

  test("the user's calls, newest first with their outcome, paged with before", async () => {
    const alice = await switchboard.connect('rest-alice');
    const bob = await switchboard.connect('rest-bob');
    await alice.createRoom({ type: 'group', name: 'rest calls', memberIds: ['rest-bob'] });
    const ended = (reason: string) =>
      new Promise<CallEvent>((resolve) => bob.calls.onEnded((e) => e.reason === reason && resolve(e)));

    const answered = await alice.calls.initiate('rest-bob', 'video');
    await bob.calls.accept(answered.callId);
    const hungUp = ended('hangup');
    await alice.calls.end(answered.callId);
    await hungUp;
    const rejected = await alice.calls.initiate('rest-bob', 'audio');
    await bob.calls.reject(rejected.callId);
    const missed = await alice.calls.initiate('rest-bob', 'audio');
    const cancelled = new Promise<CallEvent>((resolve) => bob.calls.onMissed(resolve));
    await alice.calls.end(missed.callId);
    await cancelled;

    const all = await fetchCallLog(as('rest-bob'));
    assert.deepEqual(
      all.calls.map((c) => [c.callId, c.from, c.to, c.callType, c.reason]),
      [
        [missed.callId, 'rest-alice', 'rest-bob', 'audio', 'cancelled'],
        [rejected.callId, 'rest-alice', 'rest-bob', 'audio', 'rejected'],
        [answered.callId, 'rest-alice', 'rest-bob', 'video', 'hangup'],
      ],
    );
    assert.equal(all.hasMore, false);
    assert.ok(
      all.calls[2]?.answeredAt && typeof all.calls[2].durationSec === 'number',
      'the answered call has a duration',
    );

    const first = await fetchCallLog(as('rest-bob'), { limit: 2 });
    assert.deepEqual(
      first.calls.map((c) => c.callId),
      [missed.callId, rejected.callId],
    );
    assert.equal(first.hasMore, true);
    const second = await fetchCallLog(as('rest-bob'), { limit: 2, before: first.calls.at(-1)?.callId });
    assert.deepEqual(
      second.calls.map((c) => c.callId),
      [answered.callId],
    );
    assert.equal(second.hasMore, false);
    assert.deepEqual((await fetchCallLog(as('rest-carol'))).calls, [], 'nobody else sees them');
  });

  test("a refusal rejects with a SwitchboardError carrying the server's code and sentence", async () => {
    await assert.rejects(fetchCallLog(as('rest-bob'), { limit: 0 }), (error: unknown) => {
      assert.ok(error instanceof SwitchboardError);
      assert.equal(error.code, 'INVALID_PAYLOAD');
      assert.match(error.message, /limit/);
      return true;
    });
    await assert.rejects(fetchCallLog({ url: switchboard.url, token: 'not-a-jwt' }), { code: 'UNAUTHENTICATED' });
    await assert.rejects(fetchIceServers({ url: switchboard.url, token: '' }), { code: 'UNAUTHENTICATED' });
  });

  test('no server at the address is UNAVAILABLE', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    await assert.rejects(fetchCallLog({ url: `http://127.0.0.1:${port}`, token: 't' }), { code: 'UNAVAILABLE' });
  });

  test('the ICE servers are the configured WEB_ICE_SERVERS', async () => {
    assert.deepEqual(await fetchIceServers(as('rest-bob')), ICE_SERVERS);
  });
});
