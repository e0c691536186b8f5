// The call-signaling service against real Postgres (one replica, stand-in neighbours on a
// MemoryBus): who may call whom, every transition's events, glare, signals, quality, the call log.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type {
  Call,
  CallEvent,
  CallInitiateResult,
  CallQualityIssueEvent,
  CallSignalEvent,
} from '@switchboard/protocol';
import { prismaWatchedDb, waitFor } from '@switchboard/testkit';
import { countLiveCalls } from '../store/call-store.ts';
import { type Harness, startHarness } from '../testing/harness.ts';

type Refusal = { code: string; message: string };
async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as Refusal;
    return { code, message };
  }
  assert.fail('expected a refusal');
}

describe('call-signaling with Postgres', () => {
  let h: Harness;
  let n = 0;
  /** Fresh users per test, sharing a room, so tests never see each other's calls. */
  const pair = () => {
    n += 1;
    const a = `a${n}`;
    const b = `b${n}`;
    h.share(`room-${n}`, a, b);
    return { a, b, room: `room-${n}` };
  };
  const initiate = (from: string, to: string, socketId = `${from}-s1`, extra: Record<string, unknown> = {}) =>
    h.request<CallInitiateResult>('call:initiate', { recipientId: to, callType: 'video', ...extra }, from, {
      socketId,
    });
  const sentTo = (room: string, event: Parameters<Harness['events']>[0]) =>
    h.replicas[0]!.broadcaster.emits.filter((e) => e.event === event && e.targets.includes(room));

  before(async () => {
    h = await startHarness({
      label: 'calls',
      env: { CALL_RING_TIMEOUT_MS: '60000', CALL_RECONNECT_GRACE_MS: '300', WEBHOOK_URL: 'http://127.0.0.1:9/hooks' },
    });
  });
  after(async () => {
    await h?.stop();
  });
  beforeEach(() => h.clearEvents());

  describe('who may call whom', () => {
    test('calling yourself is INVALID_PAYLOAD', async () => {
      const { a } = pair();
      assert.deepEqual(await refusal(initiate(a, a)), { code: 'INVALID_PAYLOAD', message: 'You cannot call yourself' });
    });

    test('a stranger is FORBIDDEN; an admin may call anyone', async () => {
      const { a } = pair();
      assert.deepEqual(await refusal(initiate(a, 'stranger-1')), {
        code: 'FORBIDDEN',
        message: 'You can only call users you share a room with',
      });
      const admin = await h.request<CallInitiateResult>(
        'call:initiate',
        { recipientId: 'stranger-1', callType: 'audio' },
        'admin-1',
        { role: 'admin', socketId: 'admin-s' },
      );
      assert.equal(admin.call.state, 'ringing');
      assert.equal(admin.call.to, 'stranger-1');
    });

    test('a roomId must be a room both belong to', async () => {
      const { a, b, room } = pair();
      const other = pair();
      assert.deepEqual(await refusal(initiate(a, b, 's', { roomId: other.room })), {
        code: 'FORBIDDEN',
        message: 'The call room must be a room you both belong to',
      });
      const ok = await initiate(a, b, 's', { roomId: room });
      assert.equal(ok.call.roomId, room);
    });

    test('a party already in an accepted call is busy (CONFLICT), caller or callee', async () => {
      const { a, b } = pair();
      const c = `c${n}`;
      h.share(`room-${n}`, c);
      const first = await initiate(a, b);
      await h.request('call:accept', { callId: first.callId }, b, { socketId: `${b}-s1` });
      assert.deepEqual(await refusal(initiate(c, b)), { code: 'CONFLICT', message: 'Recipient is busy' });
      assert.deepEqual(await refusal(initiate(a, c)), { code: 'CONFLICT', message: 'Caller is busy' });
    });
  });

  describe('ringing, multi-device, accept', () => {
    test('initiate rings every device of the callee and answers { callId, call }', async () => {
      const { a, b } = pair();
      const res = await initiate(a, b);
      assert.equal(res.callId, res.call.callId);
      assert.equal(res.call.state, 'ringing');
      assert.equal(res.call.from, a);
      const incoming = sentTo(`user:${b}`, 'call:incoming');
      assert.equal(incoming.length, 1);
      assert.deepEqual(incoming[0]!.data, { callId: res.callId, from: a, to: b, callType: 'video' });
      const row = await h.db.durableTimer.findUnique({ where: { id: `call.ring-timeout:${res.callId}` } });
      assert.ok(row, 'the ring timeout is a durable timer');
      const again = await initiate(a, b);
      assert.equal(again.callId, res.callId, 'a repeated initiate is the same call');
      assert.equal(sentTo(`user:${b}`, 'call:incoming').length, 1, 'and rings nobody again');
    });

    test('the first accept wins: the caller hears accepted, the other devices answered_elsewhere', async () => {
      const { a, b } = pair();
      const { callId } = await initiate(a, b);
      const accepted = await h.request<{ call: Call }>('call:accept', { callId }, b, { socketId: `${b}-phone` });
      assert.equal(accepted.call.state, 'accepted');
      assert.ok(accepted.call.answeredAt);
      assert.equal(sentTo(`user:${a}`, 'call:accepted').length, 1);
      const elsewhere = sentTo(`user:${b}`, 'call:ended');
      assert.equal(elsewhere.length, 1);
      assert.equal((elsewhere[0]!.data as CallEvent).reason, 'answered_elsewhere');
      assert.deepEqual(elsewhere[0]!.except, [`${b}-phone`], 'the answering device is left out');
      assert.deepEqual(await refusal(h.request('call:accept', { callId }, b, { socketId: `${b}-laptop` })), {
        code: 'CONFLICT',
        message: 'Cannot accept call in accepted state',
      });
      await waitFor(() => h.statuses.get(a) === 'in_call' && h.statuses.get(b) === 'in_call', {
        what: 'both parties in_call while accepted',
      });
    });

    test('unknown call NOT_FOUND, a non-party FORBIDDEN, the caller may not accept', async () => {
      const { a, b } = pair();
      const { callId } = await initiate(a, b);
      assert.deepEqual(await refusal(h.request('call:accept', { callId: 'nope' }, b)), {
        code: 'NOT_FOUND',
        message: 'Call not found',
      });
      assert.deepEqual(await refusal(h.request('call:end', { callId }, 'mallory')), {
        code: 'FORBIDDEN',
        message: 'Access denied to this call',
      });
      assert.equal((await refusal(h.request('call:accept', { callId }, a))).code, 'FORBIDDEN');
    });

    test('bad payloads are INVALID_PAYLOAD naming the field, and change nothing', async () => {
      const { a, b } = pair();
      const bad = await refusal(h.request('call:initiate', { recipientId: b, callType: 'hologram' }, a));
      assert.equal(bad.code, 'INVALID_PAYLOAD');
      assert.match(bad.message, /callType/);
      const loss = await refusal(h.request('call:quality', { callId: 'x', packetLoss: 140 }, a));
      assert.equal(loss.code, 'INVALID_PAYLOAD');
      assert.match(loss.message, /packetLoss/);
      assert.equal(await h.db.call.count({ where: { callerId: a } }), 0);
    });
  });

  describe('endings', () => {
    test("reject: the caller hears rejected with the reason, the callee's other devices stop ringing", async () => {
      const { a, b } = pair();
      const { callId } = await initiate(a, b);
      await h.request('call:reject', { callId, reason: 'in a meeting' }, b, { socketId: `${b}-s1` });
      assert.equal((sentTo(`user:${a}`, 'call:rejected')[0]!.data as CallEvent).reason, 'in a meeting');
      const ended = sentTo(`user:${b}`, 'call:ended')[0]!;
      assert.equal((ended.data as CallEvent).reason, 'rejected');
      const row = await h.db.call.findUniqueOrThrow({ where: { id: callId } });
      assert.equal(row.reason, 'rejected');
      assert.equal(await h.db.durableTimer.count({ where: { key: callId } }), 0, 'ring timeout cancelled');
      assert.deepEqual(await refusal(h.request('call:reject', { callId }, b)), {
        code: 'CONFLICT',
        message: 'Cannot reject call in ended state',
      });
    });

    test('cancel: the callee stops ringing, both get call:missed, the callee a notification, a call.missed webhook', async () => {
      const { a, b } = pair();
      const { callId } = await initiate(a, b);
      await h.request('call:end', { callId }, a, { socketId: `${a}-s1` });
      assert.equal((sentTo(`user:${b}`, 'call:ended')[0]!.data as CallEvent).reason, 'cancelled');
      const missed = h.events<CallEvent>('call:missed');
      assert.equal(missed.length, 1);
      assert.deepEqual(missed[0]!.targets.sort(), [`user:${a}`, `user:${b}`].sort());
      await waitFor(() => h.notifications.some((x) => x.data?.callId === callId), { what: 'missed-call notification' });
      const note = h.notifications.find((x) => x.data?.callId === callId)!;
      assert.deepEqual(note.to, { user: b });
      assert.equal(note.idempotencyKey, `call-missed:${callId}`);
      const hooks = await h.db.webhookEvent.findMany({ where: { type: 'call.missed' } });
      assert.ok(hooks.some((w) => (w.payload as { data: { callId: string } }).data.callId === callId));
    });

    test('a missed-call notification the notification service refused is retried from its durable timer, and sent once', async () => {
      const { a, b } = pair();
      h.neighbours.notificationUp = false;
      const { callId } = await initiate(a, b);
      await h.request('call:end', { callId }, a);
      const mine = () => h.notifications.filter((x) => x.data?.callId === callId);
      await waitFor(
        async () =>
          ((await h.db.durableTimer.findUnique({ where: { id: `call.missed-notification:${callId}` } }))?.attempts ??
            0) >= 1,
        { what: 'a failed first attempt' },
      );
      assert.equal(mine().length, 0);
      h.neighbours.notificationUp = true;
      await waitFor(() => mine().length === 1, { timeoutMs: 20_000, what: 'the retried notification' });
      await waitFor(async () => (await h.db.durableTimer.count({ where: { key: callId } })) === 0, {
        what: 'the timer gone',
      });
      assert.equal(mine().length, 1);
    });

    test('hangup: both hear ended with the duration, presence goes back, a call.ended webhook', async () => {
      const { a, b } = pair();
      h.statuses.set(a, 'busy');
      const { callId } = await initiate(a, b);
      await h.request('call:accept', { callId }, b, { socketId: `${b}-s1` });
      await waitFor(() => h.statuses.get(a) === 'in_call', { what: 'the caller in_call' });
      await h.request('call:end', { callId }, b, { socketId: `${b}-s1` });
      const ended = h.events<CallEvent>('call:ended').filter((e) => e.data.reason === 'hangup');
      assert.equal(ended.length, 1);
      assert.equal(typeof ended[0]!.data.durationSec, 'number');
      await waitFor(() => h.statuses.get(a) === 'busy' && h.statuses.get(b) === 'online', {
        what: 'a busy caller busy again, the callee online',
      });
      assert.deepEqual(
        h.statusLog.filter((x) => x.userId === a).map((x) => x.status),
        ['in_call', 'busy'],
      );
      const hooks = await h.db.webhookEvent.findMany({ where: { type: 'call.ended' } });
      assert.ok(hooks.some((w) => (w.payload as { data: { callId: string } }).data.callId === callId));
      assert.deepEqual(await refusal(h.request('call:end', { callId }, a)), {
        code: 'CONFLICT',
        message: 'Cannot end call in ended state',
      });
    });
  });

  test('live calls are counted on the pool (every /metrics scrape does): no Prisma statement', async () => {
    const { a, b } = pair();
    const { db, prismaStatements } = prismaWatchedDb(h.databaseUrl);
    try {
      const before = await countLiveCalls(db);
      await initiate(a, b);
      assert.deepEqual(await countLiveCalls(db), { ringing: before.ringing + 1, accepted: before.accepted });
      assert.deepEqual(prismaStatements, []);
    } finally {
      await db.$disconnect();
    }
  });

  test("glare: B calling A while A's call to B rings connects the one call, same callId for both", async () => {
    const { a, b } = pair();
    const first = await initiate(a, b);
    const second = await initiate(b, a, `${b}-s1`);
    assert.equal(second.callId, first.callId);
    assert.equal(second.call.state, 'accepted');
    assert.equal(sentTo(`user:${a}`, 'call:accepted').length, 1);
    assert.equal(await h.db.call.count({ where: { OR: [{ callerId: a }, { callerId: b }] } }), 1);
    assert.deepEqual(
      await refusal(initiate(a, b)),
      { code: 'CONFLICT', message: 'Caller is busy' },
      'not a second call',
    );
  });

  test('signals: ringing to every callee device; after accept only between the two sockets of the call', async () => {
    const { a, b } = pair();
    const { callId } = await initiate(a, b, `${a}-desk`);
    await h.request('call:signal', { callId, signalType: 'offer', signal: { sdp: 'o' } }, a, { socketId: `${a}-desk` });
    assert.deepEqual(sentTo(`user:${b}`, 'call:signal')[0]!.data as CallSignalEvent, {
      callId,
      from: a,
      signalType: 'offer',
      signal: { sdp: 'o' },
    });
    await h.request('call:accept', { callId }, b, { socketId: `${b}-phone` });
    h.clearEvents();
    await h.request('call:signal', { callId, signalType: 'answer', signal: 'sdp-a' }, b, { socketId: `${b}-phone` });
    await h.request('call:signal', { callId, signalType: 'ice-candidate', signal: 'c1' }, a, { socketId: `${a}-desk` });
    const targets = h.events('call:signal').map((e) => e.targets);
    assert.deepEqual(targets, [[`${a}-desk`], [`${b}-phone`]]);
    assert.deepEqual(
      await refusal(
        h.request('call:signal', { callId, signalType: 'offer', signal: 'x' }, b, { socketId: `${b}-laptop` }),
      ),
      { code: 'CONFLICT', message: 'This call is connected on another of your devices' },
    );
    assert.equal(
      (await refusal(h.request('call:signal', { callId, signalType: 'offer', signal: 'x' }, 'eve'))).code,
      'FORBIDDEN',
    );
  });

  test('quality: three poor samples raise call:qualityIssue once to both; it clears with recovery', async () => {
    const { a, b } = pair();
    const { callId } = await initiate(a, b);
    await h.request('call:accept', { callId }, b, { socketId: `${b}-s1` });
    const sample = (rtt: number, packetLoss = 0) =>
      h.request('call:quality', { callId, rtt, packetLoss, jitter: 5 }, a);
    for (const rtt of [500, 600, 700, 800]) await sample(rtt);
    let issues = h.events<CallQualityIssueEvent>('call:qualityIssue');
    assert.equal(issues.length, 1);
    assert.deepEqual(issues[0]!.data, { callId, userId: a, metric: 'rtt', value: 700, threshold: 400 });
    assert.deepEqual(issues[0]!.targets.sort(), [`user:${a}`, `user:${b}`].sort());
    for (const rtt of [100, 100, 100, 500, 500, 500]) await sample(rtt);
    issues = h.events<CallQualityIssueEvent>('call:qualityIssue');
    assert.equal(issues.length, 2, 'raised again after recovering');
    assert.equal(await h.db.callQualitySample.count({ where: { callId } }), 10);
  });

  test("reconnect grace: a party's call socket gone past the grace ends the call connection_lost; a device back in time keeps it", async () => {
    const { a, b } = pair();
    const lost = await initiate(a, b, `${a}-s1`);
    await h.request('call:accept', { callId: lost.callId }, b, { socketId: `${b}-s1` });
    await h.request('session:close', { socketId: `${b}-s1`, gatewayId: 'gw' }, b);
    await waitFor(() => h.events<CallEvent>('call:ended').some((e) => e.data.reason === 'connection_lost'), {
      what: 'connection_lost',
    });
    const row = await h.db.call.findUniqueOrThrow({ where: { id: lost.callId } });
    assert.equal(row.reason, 'connection_lost');

    const { a: c, b: d } = pair();
    const kept = await initiate(c, d, `${c}-s1`);
    await h.request('call:accept', { callId: kept.callId }, d, { socketId: `${d}-s1` });
    // Grace is 300 ms here: the close and the reconnect are sent back to back.
    await h.request('session:close', { socketId: `${d}-s1`, gatewayId: 'gw' }, d);
    await h.request('session:open', { socketId: `${d}-s2`, gatewayId: 'gw' }, d);
    const taken = await h.db.call.findUniqueOrThrow({ where: { id: kept.callId } });
    assert.equal(taken.calleeSocketId, `${d}-s2`, 'the reconnected device took the call over');
    assert.equal(
      await h.db.durableTimer.count({ where: { kind: 'call.reconnect-grace', key: { startsWith: kept.callId } } }),
      0,
    );
    assert.equal(taken.state, 'accepted');
  });

  test("reconnect grace through the gateway's batches: only the sockets and users in a live call are touched", async () => {
    const { a, b } = pair();
    const kept = await initiate(a, b, `${a}-s1`);
    await h.request('call:accept', { callId: kept.callId }, b, { socketId: `${b}-s1` });
    const entry = (socketId: string, userId: string) => ({ socketId, userId, name: userId, role: 'user' });
    const batch = (command: 'sessions:open' | 'sessions:close', sessions: ReturnType<typeof entry>[]) =>
      h.request(command, { gatewayId: 'gw', sessions }, 'system');
    await batch('sessions:close', [entry('idle-1', 'nobody-1'), entry(`${b}-s1`, b), entry('idle-2', 'nobody-2')]);
    assert.equal(
      await h.db.durableTimer.count({ where: { kind: 'call.reconnect-grace', key: { startsWith: kept.callId } } }),
      1,
      'the grace of the call socket in the batch started',
    );
    await batch('sessions:open', [entry('idle-3', 'nobody-3'), entry(`${b}-s2`, b)]);
    const taken = await h.db.call.findUniqueOrThrow({ where: { id: kept.callId } });
    assert.equal(taken.calleeSocketId, `${b}-s2`, 'the reconnected device in the batch took the call over');
    assert.equal(taken.state, 'accepted');
    assert.equal(
      await h.db.durableTimer.count({ where: { kind: 'call.reconnect-grace', key: { startsWith: kept.callId } } }),
      0,
    );
  });

  test("GET /api/calls: the user's own calls, newest first, paged with before; 401 without a token; 400 naming the field", async () => {
    const { a, b } = pair();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { callId } = await initiate(a, b);
      ids.push(callId);
      await h.request('call:end', { callId }, a);
    }
    const get = (query: string, token?: string) =>
      fetch(`${h.baseUrl}/calls${query}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const page1 = await get('?limit=2', h.token(b));
    assert.equal(page1.status, 200);
    const body1 = (await page1.json()) as { calls: Call[]; hasMore: boolean };
    assert.deepEqual(
      body1.calls.map((c) => c.callId),
      [ids[2], ids[1]],
    );
    assert.equal(body1.hasMore, true);
    assert.equal(body1.calls[0]!.reason, 'cancelled', 'missed calls are in the log');
    const body2 = (await (await get(`?limit=2&before=${ids[1]}`, h.token(b))).json()) as {
      calls: Call[];
      hasMore: boolean;
    };
    assert.deepEqual(
      body2.calls.map((c) => c.callId),
      [ids[0]],
    );
    assert.equal(body2.hasMore, false);
    const stranger = (await (await get('', h.token('nobody'))).json()) as { calls: Call[] };
    assert.deepEqual(stranger.calls, [], "only the caller's own calls");
    assert.equal((await get('')).status, 401);
    const bad = await get('?limit=abc', h.token(b));
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /limit/);
  });
});
