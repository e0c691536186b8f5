// Calls end to end (issue 9, "Done means"): a real cluster (nginx, two gateways, two
// call-signaling replicas on Redis and Postgres), caller and callee on different gateways
// (clients bound to 127.0.N.1 so nginx's ip_hash spreads them), REST through nginx.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Call } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { sleep, waitFor } from '@switchboard/testkit';
import { connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, startCluster } from './cluster-harness.ts';
import { mapAddressesToGateways, record, requestJson } from './presence-helpers.ts';

/** Short, so the timeout tests are quick; long enough that an accept on a busy machine beats it. */
const RING_MS = 6000;
/** How long "nothing (more) arrived" is watched for, after what should have arrived did. */
const QUIET_MS = 1000;
const WAIT = 20_000;

describe('calls through nginx, caller and callee on different gateways, two call-signaling replicas', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  let onA: string[];
  let onB: string[];
  let n = 0;

  const token = (userId: string) => signToken(cluster.jwtSecret, userId, { name: `User ${userId}` });
  const connect = async (userId: string, localAddress: string) => {
    const client = await connectClient(cluster.url, token(userId), { localAddress });
    clients.push(client);
    return client;
  };
  /** Fresh users for one test: caller on gateway A, callee with a phone on B and a laptop on A, a room mate on B. */
  const scene = async () => {
    n += 1;
    const ids = { a: `alice${n}`, b: `bob${n}`, c: `carol${n}` };
    const alice = await connect(ids.a, onA[0]!);
    const phone = await connect(ids.b, onB[0]!);
    const laptop = await connect(ids.b, onA[1] ?? onA[0]!);
    const carol = await connect(ids.c, onB[1] ?? onB[0]!);
    assert.notEqual(alice.connected().serverId, phone.connected().serverId, 'caller and callee on different gateways');
    const room = await alice.request('room:create', { type: 'group', name: `calls ${n}`, memberIds: [ids.b, ids.c] });
    assert.equal(room.success, true, JSON.stringify(room));
    return { ...ids, alice, phone, laptop, carol };
  };
  const ok = <T extends { success: boolean }>(ack: T): T & { success: true } => {
    assert.equal(ack.success, true, JSON.stringify(ack));
    return ack as T & { success: true };
  };
  const initiate = async (from: E2eClient, to: string) => {
    const ack = ok(await from.request('call:initiate', { recipientId: to, callType: 'video' }));
    return ack.callId;
  };
  const isCall = (callId: string) => (e: { callId: string }) => e.callId === callId;

  before(async () => {
    cluster = await startCluster({
      gateways: 2,
      replicas: { 'call-signaling': 2 },
      env: { CALL_RING_TIMEOUT_MS: String(RING_MS), CALL_RECONNECT_GRACE_MS: '3000' },
    });
    const byGateway = await mapAddressesToGateways(cluster.url, token('address-probe'));
    assert.equal(byGateway.size, 2, `all probe addresses on one gateway: ${JSON.stringify([...byGateway])}`);
    [onA, onB] = [...byGateway.values()] as [string[], string[]];
  });

  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  test('multi-device ringing, answered elsewhere, signal isolation, in_call presence, hangup', async () => {
    const s = await scene();
    const laptopEnded = record(s.laptop, 'call:ended');
    const phoneEnded = record(s.phone, 'call:ended');
    const carolSignals = record(s.carol, 'call:signal');
    const laptopSignals = record(s.laptop, 'call:signal');
    const ringing = Promise.all([s.phone.next('call:incoming', WAIT), s.laptop.next('call:incoming', WAIT)]);
    const callId = await initiate(s.alice, s.b);
    for (const incoming of await ringing) assert.deepEqual(incoming, { callId, from: s.a, to: s.b, callType: 'video' });

    // While ringing, the caller's offer reaches every device of the callee.
    const offers = Promise.all([s.phone.next('call:signal', WAIT), s.laptop.next('call:signal', WAIT)]);
    ok(await s.alice.request('call:signal', { callId, signalType: 'offer', signal: { type: 'offer', sdp: 'v=0' } }));
    for (const offer of await offers) assert.equal(offer.signalType, 'offer');

    const accepted = s.alice.next('call:accepted', WAIT, isCall(callId));
    const elsewhere = s.laptop.next('call:ended', WAIT, isCall(callId));
    const answer = ok(await s.phone.request('call:accept', { callId }));
    assert.equal((answer as unknown as { call: Call }).call.state, 'accepted');
    await accepted;
    assert.equal((await elsewhere).reason, 'answered_elsewhere');
    assert.deepEqual(await s.laptop.request('call:accept', { callId }), {
      success: false,
      code: 'CONFLICT',
      error: 'Cannot accept call in accepted state',
    });

    // After accept: only the initiating and the answering socket exchange signals.
    const toAlice = s.alice.next('call:signal', WAIT, (e) => e.signalType === 'answer');
    ok(await s.phone.request('call:signal', { callId, signalType: 'answer', signal: { type: 'answer', sdp: 'v=0' } }));
    assert.equal((await toAlice).from, s.b);
    const toPhone = s.phone.next('call:signal', WAIT, (e) => e.signalType === 'ice-candidate');
    ok(await s.alice.request('call:signal', { callId, signalType: 'ice-candidate', signal: { candidate: 'c1' } }));
    assert.equal((await toPhone).from, s.a);
    const fromLaptop = await s.laptop.request('call:signal', { callId, signalType: 'offer', signal: 'x' });
    assert.equal(fromLaptop.success, false);
    const intruder = await s.carol.request('call:signal', { callId, signalType: 'offer', signal: 'x' });
    assert.deepEqual(intruder, { success: false, code: 'FORBIDDEN', error: 'Access denied to this call' });

    await waitFor(
      async () => {
        const ack = await s.carol.request('presence:get', { userIds: [s.a, s.b] });
        return ack.success && ack.presences.every((p) => p.status === 'in_call');
      },
      { timeoutMs: WAIT, what: 'both parties in_call' },
    );

    const hangups = Promise.all([
      s.alice.next('call:ended', WAIT, isCall(callId)),
      s.phone.next('call:ended', WAIT, (e) => e.callId === callId && e.reason === 'hangup'),
    ]);
    ok(await s.alice.request('call:end', { callId }));
    for (const ended of await hangups) {
      assert.equal(ended.reason, 'hangup');
      assert.equal(typeof ended.durationSec, 'number');
    }
    await sleep(QUIET_MS);
    assert.equal(carolSignals.length, 0, 'a third party never sees a signal');
    assert.equal(laptopSignals.length, 1, 'the laptop saw only the offer sent while it rang');
    assert.equal(
      phoneEnded.filter((e) => e.reason === 'answered_elsewhere').length,
      0,
      'the answering device was not told answered_elsewhere',
    );
    assert.equal(laptopEnded.filter(isCall(callId)).length, 2, 'answered_elsewhere, then the hangup');
    await waitFor(
      async () => {
        const ack = await s.carol.request('presence:get', { userIds: [s.a, s.b] });
        return ack.success && ack.presences.every((p) => p.status === 'online');
      },
      { timeoutMs: WAIT, what: 'both back online' },
    );
  });

  test('reject reaches the caller; a callee in a call is busy', async () => {
    const s = await scene();
    const first = await initiate(s.alice, s.b);
    const rejected = s.alice.next('call:rejected', WAIT, isCall(first));
    const laptopStops = s.laptop.next('call:ended', WAIT, isCall(first));
    ok(await s.phone.request('call:reject', { callId: first, reason: 'driving' }));
    assert.equal((await rejected).reason, 'driving');
    assert.equal((await laptopStops).reason, 'rejected');

    const second = await initiate(s.alice, s.b);
    ok(await s.laptop.request('call:accept', { callId: second }));
    assert.deepEqual(await s.carol.request('call:initiate', { recipientId: s.b, callType: 'audio' }), {
      success: false,
      code: 'CONFLICT',
      error: 'Recipient is busy',
    });
    ok(await s.laptop.request('call:end', { callId: second }));
  });

  test('cancel and ring timeout: both parties get call:missed once; the call log has them', async () => {
    const s = await scene();
    const cancelled = await initiate(s.alice, s.b);
    const stops = s.phone.next('call:ended', WAIT, isCall(cancelled));
    const missedA = s.alice.next('call:missed', WAIT, isCall(cancelled));
    ok(await s.alice.request('call:end', { callId: cancelled }));
    assert.equal((await stops).reason, 'cancelled');
    assert.equal((await missedA).reason, 'cancelled');

    const aliceMissed = record(s.alice, 'call:missed');
    const phoneMissed = record(s.phone, 'call:missed');
    const timedOut = await initiate(s.alice, s.b);
    await waitFor(() => aliceMissed.some(isCall(timedOut)) && phoneMissed.some(isCall(timedOut)), {
      timeoutMs: RING_MS + WAIT,
      what: 'call:missed after the ring timeout',
    });
    await sleep(QUIET_MS);
    assert.equal(aliceMissed.filter(isCall(timedOut)).length, 1, 'the timeout fired once across two replicas');
    assert.equal(phoneMissed.filter(isCall(timedOut)).length, 1);
    assert.equal(phoneMissed.find(isCall(timedOut))!.reason, 'timeout');

    const log = await requestJson(`${cluster.url}/api/calls?limit=10`, 'GET', token(s.b));
    assert.equal(log.status, 200, JSON.stringify(log.body));
    const calls = log.body.calls as Call[];
    assert.deepEqual(
      calls.map((c) => [c.callId, c.reason]),
      [
        [timedOut, 'timeout'],
        [cancelled, 'cancelled'],
      ],
    );
    assert.equal((await requestJson(`${cluster.url}/api/calls`, 'GET', undefined)).status, 401);
    const bad = await requestJson(`${cluster.url}/api/calls?limit=0`, 'GET', token(s.b));
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /limit/);
  });

  test('SIGKILL of every call-signaling process mid-ring: the call still times out, once, when they are back', async () => {
    const s = await scene();
    const aliceMissed = record(s.alice, 'call:missed');
    const phoneMissed = record(s.phone, 'call:missed');
    const incoming = s.phone.next('call:incoming', WAIT);
    const callId = await initiate(s.alice, s.b);
    await incoming;
    const victims = cluster.processes.filter((p) => p.service === 'call-signaling');
    assert.equal(victims.length, 2);
    const killedAt = Date.now();
    for (const victim of victims) cluster.kill(victim.pid);
    for (const victim of victims) await cluster.waitForRestart(victim.name, victim.pid);
    await waitFor(() => aliceMissed.some(isCall(callId)) && phoneMissed.some(isCall(callId)), {
      timeoutMs: RING_MS + WAIT,
      what: 'call:missed after the restart',
    });
    await sleep(QUIET_MS);
    assert.equal(aliceMissed.filter(isCall(callId)).length, 1, 'exactly once');
    assert.equal(phoneMissed.filter(isCall(callId)).length, 1);
    const log = await requestJson(`${cluster.url}/api/calls?limit=1`, 'GET', token(s.a));
    const [call] = log.body.calls as Call[];
    assert.equal(call?.callId, callId);
    assert.equal(call?.reason, 'timeout');
    assert.ok(Date.parse(call!.endedAt!) >= Date.parse(call!.createdAt) + RING_MS, 'not before the ring timeout');
    assert.ok(Date.now() - killedAt < RING_MS + WAIT);
  });

  test('quality: three poor RTT samples raise call:qualityIssue once, to both parties', async () => {
    const s = await scene();
    const callId = await initiate(s.alice, s.b);
    ok(await s.phone.request('call:accept', { callId }));
    const phoneIssues = record(s.phone, 'call:qualityIssue');
    const aliceIssue = s.alice.next('call:qualityIssue', WAIT, isCall(callId));
    for (const rtt of [450, 500, 550, 600]) ok(await s.alice.request('call:quality', { callId, rtt, packetLoss: 0.5 }));
    assert.deepEqual(await aliceIssue, { callId, userId: s.a, metric: 'rtt', value: 550, threshold: 400 });
    await waitFor(() => phoneIssues.length === 1, { timeoutMs: WAIT, what: 'the callee to hear it' });
    await sleep(QUIET_MS);
    assert.equal(phoneIssues.length, 1, 'raised once for the stretch');
    ok(await s.alice.request('call:end', { callId }));
  });

  test('bad input: INVALID_PAYLOAD, NOT_FOUND, FORBIDDEN, CONFLICT as PROTOCOL.md words them', async () => {
    const s = await scene();
    const self = await s.alice.request('call:initiate', { recipientId: s.a, callType: 'audio' });
    assert.deepEqual(self, { success: false, code: 'INVALID_PAYLOAD', error: 'You cannot call yourself' });
    const shape = await s.alice.request('call:initiate', { recipientId: s.b, callType: 'fax' });
    assert.equal(shape.success, false);
    if (!shape.success) assert.equal(shape.code, 'INVALID_PAYLOAD');
    const loss = await s.alice.request('call:quality', { callId: 'x', packetLoss: 101 });
    assert.equal(loss.success ? 'ok' : loss.code, 'INVALID_PAYLOAD');
    assert.deepEqual(await s.alice.request('call:accept', { callId: 'no-such-call' }), {
      success: false,
      code: 'NOT_FOUND',
      error: 'Call not found',
    });
    const stranger = await connect(`stranger${n}`, onB[0]!);
    assert.deepEqual(await stranger.request('call:initiate', { recipientId: s.b, callType: 'audio' }), {
      success: false,
      code: 'FORBIDDEN',
      error: 'You can only call users you share a room with',
    });
    const callId = await initiate(s.alice, s.b);
    ok(await s.alice.request('call:end', { callId }));
    assert.deepEqual(await s.phone.request('call:accept', { callId }), {
      success: false,
      code: 'CONFLICT',
      error: 'Cannot accept call in ended state',
    });
    const stats = await requestJson(`${cluster.url}/api/stats`, 'GET', undefined);
    assert.equal(typeof stats.body.activeCalls, 'number', JSON.stringify(stats.body));
  });
});
