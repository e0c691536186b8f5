// Presence and live location end to end (issue 5, "Done means"): a real cluster (nginx, two
// gateways, the services on Redis and Postgres), clients bound to 127.0.N.1 so nginx's ip_hash
// puts them on both gateways, REST through nginx with Bearer tokens.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Presence } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { sleep, waitFor } from '@switchboard/testkit';
import { type ConnectOptions, connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, startCluster } from './cluster-harness.ts';
import { fix, mapAddressesToGateways, northOf, PROBE_ADDRESSES, record, requestJson } from './presence-helpers.ts';

/** Small, so the crash test is quick; the gateways derive their heartbeat interval from it too. */
const OFFLINE_AFTER_MS = 3000;
/** Publishing after the sweep (a rooms lookup, a Redis publish, a socket write) on a busy machine. */
const OFFLINE_SLACK_MS = 2000;
/** How long "nothing (more) arrived" is watched for, after the thing that should have arrived did. */
const QUIET_MS = 1000;
const WAIT = { timeoutMs: 15_000 };

describe('presence and location through nginx, clients on both gateways', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  /** The two gateways' ids and the source addresses nginx sends to each. */
  let gatewayA: string;
  let gatewayB: string;
  let onA: string[];
  let onB: string[];

  const token = (userId: string, role?: string) =>
    signToken(cluster.jwtSecret, userId, { name: `User ${userId}`, ...(role ? { role } : {}) });
  const connect = async (userId: string, localAddress: string, options: ConnectOptions & { role?: string } = {}) => {
    const { role, ...rest } = options;
    const client = await connectClient(cluster.url, token(userId, role), { localAddress, ...rest });
    clients.push(client);
    return client;
  };
  const presenceOf = async (asker: E2eClient, userId: string): Promise<Presence> => {
    const ack = await asker.request('presence:get', { userIds: [userId] });
    assert.equal(ack.success, true, JSON.stringify(ack));
    if (!ack.success) throw new Error('unreachable');
    return ack.presences[0]!;
  };
  /** A group room of `owner` with `members`, every socket joined to it (so room broadcasts reach it). */
  const shareRoom = async (owner: E2eClient, members: { userId: string; client: E2eClient }[], name: string) => {
    const created = await owner.request('room:create', {
      type: 'group',
      name,
      memberIds: members.map((m) => m.userId),
    });
    assert.equal(created.success, true, JSON.stringify(created));
    if (!created.success) throw new Error('unreachable');
    for (const client of [owner, ...members.map((m) => m.client)]) {
      const joined: { success: boolean } = await client.request('room:join', { roomId: created.room.id });
      assert.equal(joined.success, true, JSON.stringify(joined));
    }
    return created.room.id;
  };

  before(async () => {
    cluster = await startCluster({
      gateways: 2,
      // Enough location tokens that the geofence walk is never rate limited.
      env: { PRESENCE_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS), LOCATION_RATE_BURST: '100' },
    });
    const byGateway = await mapAddressesToGateways(cluster.url, token('address-probe'));
    assert.equal(
      byGateway.size,
      2,
      `${PROBE_ADDRESSES.length} addresses all landed on one gateway: ${JSON.stringify([...byGateway])}`,
    );
    const [first, second] = [...byGateway] as [[string, string[]], [string, string[]]];
    [gatewayA, onA] = first;
    [gatewayB, onB] = second;
  });

  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  test('two devices on different gateways: online once; one leaves → still online; the last leaves → exactly one offline', async () => {
    const userId = 'two-devices';
    const third = PROBE_ADDRESSES.find((a) => a !== onA[0] && a !== onB[0])!;
    // Presence is visible to users sharing a room with the target, and to admins (a subscriber here).
    const watcher = await connect('two-devices-watcher', third, { role: 'admin' });
    const changes = record(watcher, 'presence:changed');
    const statuses = () => changes.filter((c) => c.userId === userId).map((c) => c.status);
    const subscribed = await watcher.request('presence:subscribe', { userIds: [userId] });
    assert.equal(subscribed.success, true, JSON.stringify(subscribed));
    if (subscribed.success) assert.equal(subscribed.presences[0]?.status, 'offline');

    const phone = await connect(userId, onA[0]!);
    const laptop = await connect(userId, onB[0]!);
    assert.equal(phone.connected().serverId, gatewayA);
    assert.equal(laptop.connected().serverId, gatewayB);
    await waitFor(() => statuses().includes('online'), { ...WAIT, what: 'online' });

    phone.close();
    // After a full offline bound the phone is gone from presence for sure: by its session:close,
    // or at the latest by gateway A's next heartbeat, which no longer lists it.
    await sleep(OFFLINE_AFTER_MS);
    assert.equal((await presenceOf(watcher, userId)).status, 'online', 'the laptop is still connected');
    assert.deepEqual(statuses(), ['online'], 'one device leaving publishes nothing');

    laptop.close();
    await waitFor(() => statuses().includes('offline'), { ...WAIT, what: 'offline' });
    await sleep(QUIET_MS);
    assert.deepEqual(statuses(), ['online', 'offline'], 'online once, offline once');
    assert.equal((await presenceOf(watcher, userId)).status, 'offline');
  });

  test('a custom status set on one gateway reaches a subscriber on the other and presence:get', async () => {
    const userId = 'custom-status';
    const watcher = await connect('custom-status-watcher', onB[0]!, { role: 'admin' });
    const changes = record(watcher, 'presence:changed');
    assert.equal((await watcher.request('presence:subscribe', { userIds: [userId] })).success, true);
    const user = await connect(userId, onA[0]!);
    await waitFor(() => changes.find((c) => c.userId === userId && c.status === 'online'), { ...WAIT, what: 'online' });

    const set = await user.request('presence:setStatus', { status: 'busy', customStatus: 'In a meeting' });
    assert.deepEqual(set, { success: true });
    const change = await waitFor(() => changes.find((c) => c.userId === userId && c.status === 'busy'), {
      ...WAIT,
      what: 'busy',
    });
    assert.equal(change.customStatus, 'In a meeting');
    const seen = await presenceOf(watcher, userId);
    assert.equal(seen.status, 'busy');
    assert.equal(seen.customStatus, 'In a meeting');

    // A second device (on the watcher's gateway) keeps the status: it belongs to the user.
    await connect(userId, onB[1] ?? onB[0]!);
    await sleep(QUIET_MS);
    const again = await presenceOf(watcher, userId);
    assert.deepEqual(
      { status: again.status, customStatus: again.customStatus },
      { status: 'busy', customStatus: 'In a meeting' },
    );
  });

  test('presence across gateways: a roommate sees changes, a stranger subscribing learns nothing at all', async () => {
    const userId = 'visible-user';
    const user = await connect(userId, onA[0]!);
    const mate = await connect('visible-mate', onB[0]!);
    const stranger = await connect('visible-stranger', onB[1] ?? onB[0]!);
    await shareRoom(user, [{ userId: 'visible-mate', client: mate }], 'visibility');
    const toMate = record(mate, 'presence:changed');
    const toStranger = record(stranger, 'presence:changed');
    assert.deepEqual(await stranger.request('presence:subscribe', { userIds: [userId] }), {
      success: true,
      presences: [],
    });
    assert.deepEqual(await stranger.request('presence:get', { userIds: [userId] }), { success: true, presences: [] });
    assert.equal((await presenceOf(mate, userId)).status, 'online');

    assert.deepEqual(await user.request('presence:setStatus', { status: 'busy', customStatus: 'visible test' }), {
      success: true,
    });
    await waitFor(() => toMate.find((c) => c.userId === userId && c.customStatus === 'visible test'), {
      ...WAIT,
      what: 'the change at the roommate',
    });
    await sleep(QUIET_MS);
    assert.deepEqual(
      toStranger.filter((c) => c.userId === userId),
      [],
      'nothing reaches the stranger',
    );
  });

  test('a location via REST and via the socket reaches a room member on the other gateway and a supervisor, and no one else', async () => {
    const moverId = 'loc-mover';
    const mover = await connect(moverId, onA[0]!);
    const member = await connect('loc-member', onB[0]!);
    const outsider = await connect('loc-outsider', onB[1] ?? onB[0]!);
    const supervisor = await connect('loc-supervisor', onA[1] ?? onA[0]!, { role: 'supervisor' });
    const roomId = await shareRoom(mover, [{ userId: 'loc-member', client: member }], 'location');
    const toMember = record(member, 'location:update');
    const toSupervisor = record(supervisor, 'location:update');
    const toOutsider = record(outsider, 'location:update');
    const arrived = (seen: typeof toMember, latitude: number) =>
      seen.find((e) => e.userId === moverId && e.latitude === latitude);

    const viaRest = fix({ latitude: 52.52, longitude: 13.405 }, { accuracy: 5, battery: 80 });
    const posted = await requestJson(`${cluster.url}/api/location`, 'POST', token(moverId), viaRest);
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.equal(posted.body.success, true);
    assert.deepEqual(posted.body.rooms, [roomId]);
    const got = await waitFor(() => arrived(toMember, viaRest.latitude), { ...WAIT, what: 'REST fix at the member' });
    assert.deepEqual(got, { userId: moverId, name: `User ${moverId}`, ...viaRest });
    await waitFor(() => arrived(toSupervisor, viaRest.latitude), { ...WAIT, what: 'REST fix at the supervisor' });

    const viaSocket = fix({ latitude: 48.8566, longitude: 2.3522 });
    const ack = await mover.request('location:update', viaSocket);
    assert.equal(ack.success, true, JSON.stringify(ack));
    if (ack.success) assert.deepEqual(ack.rooms, [roomId]);
    const gotSocket = await waitFor(() => arrived(toMember, viaSocket.latitude), {
      ...WAIT,
      what: 'socket fix at the member',
    });
    assert.deepEqual(gotSocket, { userId: moverId, name: `User ${moverId}`, ...viaSocket, accuracy: null });
    await waitFor(() => arrived(toSupervisor, viaSocket.latitude), { ...WAIT, what: 'socket fix at the supervisor' });

    await sleep(QUIET_MS);
    assert.deepEqual(toOutsider, [], 'a user sharing no room with the mover gets nothing');
  });

  test('bad location input is refused clearly: 400 naming the field, 401 without a token, INVALID_PAYLOAD ack', async () => {
    const userId = 'loc-bad';
    const url = `${cluster.url}/api/location`;
    const supervisor = await connect('loc-bad-supervisor', onB[0]!, { role: 'supervisor' });
    const seen = record(supervisor, 'location:update');

    const latitude = await requestJson(url, 'POST', token(userId), fix({ latitude: 91, longitude: 0 }));
    assert.equal(latitude.status, 400);
    assert.equal(latitude.body.success, false);
    assert.equal(latitude.body.code, 'INVALID_PAYLOAD');
    assert.match(String(latitude.body.error), /^latitude: /);

    const noTimestamp = await requestJson(url, 'POST', token(userId), { latitude: 10, longitude: 10 });
    assert.equal(noTimestamp.status, 400);
    assert.equal(noTimestamp.body.code, 'INVALID_PAYLOAD');
    assert.match(String(noTimestamp.body.error), /^timestamp: /);

    const anonymous = await requestJson(url, 'POST', undefined, fix({ latitude: 10, longitude: 10 }));
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.success, false);
    assert.equal(anonymous.body.code, 'UNAUTHENTICATED');

    const client = await connect(userId, onA[0]!);
    const badAck = await client.request('location:update', fix({ latitude: 10, longitude: 181 }));
    assert.equal(badAck.success, false);
    if (!badAck.success) {
      assert.equal(badAck.code, 'INVALID_PAYLOAD');
      assert.match(badAck.error, /^longitude: /);
    }
    const future = await client.request('location:update', {
      latitude: 10,
      longitude: 10,
      timestamp: new Date(Date.now() + 3_600_000).toISOString(),
    });
    assert.equal(future.success, false);
    if (!future.success) {
      assert.equal(future.code, 'INVALID_PAYLOAD');
      assert.match(future.error, /^timestamp: .*future/);
    }
    assert.deepEqual(await client.request('location:update', 'not an object'), {
      success: false,
      code: 'INVALID_PAYLOAD',
      error: 'Payload must be an object',
    });

    // None of the refused fixes was broadcast: the first fix the supervisor sees is the good one.
    const good = fix({ latitude: 11, longitude: 11 });
    assert.equal((await client.request('location:update', good)).success, true);
    await waitFor(() => seen.find((e) => e.userId === userId), { ...WAIT, what: 'the good fix' });
    assert.deepEqual(
      seen.filter((e) => e.userId === userId).map((e) => e.latitude),
      [11],
    );
  });

  test('a danger-zone geofence is violated once per crossing: in once, boundary jitter nothing, out and in once more', async () => {
    const walkerId = 'fence-walker';
    const walker = await connect(walkerId, onA[0]!);
    const mate = await connect('fence-mate', onB[0]!);
    const supervisor = await connect('fence-supervisor', onB[1] ?? onB[0]!, { role: 'supervisor' });
    const roomId = await shareRoom(walker, [{ userId: 'fence-mate', client: mate }], 'site');
    const center = { latitude: 40.0, longitude: -3.7 };
    const radiusMeters = 100;

    const created = await requestJson(`${cluster.url}/api/geofences`, 'POST', token(walkerId), {
      name: 'Excavation pit',
      kind: 'danger',
      roomId,
      shape: { type: 'circle', center, radiusMeters },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const geofenceId = (created.body.geofence as { id: string }).id;
    const toMate = record(mate, 'geofence:violation');
    const toSupervisor = record(supervisor, 'geofence:violation');
    const ofFence = (seen: typeof toMate) => seen.filter((v) => v.geofenceId === geofenceId);
    const moveTo = async (metersFromCenter: number) => {
      const ack = await walker.request('location:update', fix(northOf(center, metersFromCenter)));
      assert.equal(ack.success, true, JSON.stringify(ack));
    };

    await moveTo(1000);
    await moveTo(0);
    const first = await waitFor(() => ofFence(toMate)[0], { ...WAIT, what: 'the first violation' });
    assert.deepEqual(
      { kind: first.kind, transition: first.transition, userId: first.userId, roomId: first.roomId, name: first.name },
      { kind: 'danger', transition: 'entered', userId: walkerId, roomId, name: 'Excavation pit' },
    );
    await waitFor(() => ofFence(toSupervisor)[0], { ...WAIT, what: 'the first violation at the supervisor' });

    // Around the boundary, within the hysteresis margin: still the same crossing.
    for (const meters of [radiusMeters + 10, radiusMeters - 10, radiusMeters + 15, radiusMeters - 5])
      await moveTo(meters);
    await sleep(QUIET_MS);
    assert.equal(ofFence(toMate).length, 1, 'boundary jitter raises nothing');

    await moveTo(1000);
    await moveTo(0);
    await waitFor(() => ofFence(toMate).length >= 2, { ...WAIT, what: 'the second violation' });
    await waitFor(() => ofFence(toSupervisor).length >= 2, { ...WAIT, what: 'the second violation at the supervisor' });
    await sleep(QUIET_MS);
    assert.deepEqual(
      ofFence(toMate).map((v) => v.transition),
      ['entered', 'entered'],
    );
    assert.deepEqual(
      ofFence(toSupervisor).map((v) => v.transition),
      ['entered', 'entered'],
    );
  });

  // Last: the supervisor restarts the killed gateway, and later tests would race its return.
  test(`a SIGKILLed gateway's user goes offline for a subscriber on the other gateway within PRESENCE_OFFLINE_AFTER_MS = ${OFFLINE_AFTER_MS} ms (+${OFFLINE_SLACK_MS} ms slack)`, async () => {
    const victimId = 'crash-victim';
    const watcher = await connect('crash-watcher', onB[0]!, { role: 'admin' });
    assert.equal((await watcher.request('presence:subscribe', { userIds: [victimId] })).success, true);
    // No reconnection: the user's only device dies with its gateway.
    const victim = await connect(victimId, onA[0]!, { reconnection: false });
    assert.equal(victim.connected().serverId, gatewayA);
    await waitFor(async () => (await presenceOf(watcher, victimId)).status === 'online', {
      ...WAIT,
      what: 'victim online',
    });

    const doomed = cluster.gateways.find((g) => g.name === gatewayA);
    assert.ok(doomed, `gateway ${gatewayA} is in the cluster state`);
    const offline = watcher.next(
      'presence:changed',
      OFFLINE_AFTER_MS + 15_000,
      (c) => c.userId === victimId && c.status === 'offline',
    );
    const killedAt = Date.now();
    cluster.kill(doomed.pid);
    await offline;
    const elapsed = Date.now() - killedAt;
    assert.ok(
      elapsed <= OFFLINE_AFTER_MS + OFFLINE_SLACK_MS,
      `offline after ${elapsed} ms, bound ${OFFLINE_AFTER_MS} ms + ${OFFLINE_SLACK_MS} ms slack`,
    );
    assert.equal((await presenceOf(watcher, victimId)).status, 'offline', 'no stale online left');
  });
});
