// The cluster end to end: `npm run cluster` (nginx + 2 gateways + services on real Redis and
// Postgres) driven through nginx with socket.io-client, as a client on the network would.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_SERVICES, serviceEntry } from '@switchboard/cli';
import { signToken } from '@switchboard/runtime';
import { type ConnectOptions, connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, serviceProcessNames, startCluster } from './cluster-harness.ts';

/** One address per /24: ip_hash spreads these over the gateways (ENVIRONMENT.md). */
const ADDRESSES = [1, 2, 3, 4, 5, 6].map((n) => `127.0.${n}.1`);

describe('the cluster through nginx', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  const token = (userId: string) => signToken(cluster.jwtSecret, userId, { name: `User ${userId}` });
  const connect = async (userId: string, options: ConnectOptions = {}) => {
    const client = await connectClient(cluster.url, token(userId), options);
    clients.push(client);
    return client;
  };
  /** Users on the given addresses, and which gateway each landed on. */
  const connectSpread = async (label: string) => {
    const spread = [];
    for (const [i, localAddress] of ADDRESSES.entries()) {
      const client = await connect(`${label}-${i}`, { localAddress });
      spread.push({ userId: `${label}-${i}`, client, serverId: client.connected().serverId });
    }
    return spread;
  };
  /** Two users on different gateways. */
  const pairAcrossGateways = async (label: string) => {
    const spread = await connectSpread(label);
    const a = spread[0]!;
    const b = spread.find((s) => s.serverId !== a.serverId);
    assert.ok(b, `all clients landed on ${a.serverId}`);
    return { a, b, spread };
  };

  before(async () => {
    cluster = await startCluster({ gateways: 2 });
  });

  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  test('the supervisor and every child run compiled JS with plain node (no tsx loader)', async () => {
    const commandLine = async (pid: number) =>
      (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).slice(1);
    assert.deepEqual(await commandLine(cluster.supervisorPid), [path.join('packages', 'cli', 'dist', 'cluster.js')]);
    for (const child of cluster.processes) {
      assert.deepEqual(await commandLine(child.pid), [serviceEntry(child.service)], child.name);
    }
  });

  test('pids.json lists both gateways and exactly the configured replicas of every service, each running', () => {
    assert.deepEqual(
      cluster.gateways.map((g) => g.name),
      ['gateway-1', 'gateway-2'],
    );
    for (const service of CLUSTER_SERVICES) {
      assert.ok(cluster.replicas[service] >= 1, `${service} runs at least once`);
      assert.equal(cluster.processesOf(service).length, cluster.replicas[service], service);
    }
    assert.deepEqual(
      cluster.processes.filter((p) => p.kind === 'service').map((p) => p.name),
      serviceProcessNames(cluster.replicas),
    );
    assert.equal(new Set(cluster.processes.map((p) => p.pid)).size, cluster.processes.length, 'one pid each');
    assert.equal(new Set(cluster.processes.map((p) => p.port)).size, cluster.processes.length, 'one port each');
    assert.deepEqual(
      cluster.processes.filter((p) => p.status !== 'running').map((p) => p.name),
      [],
    );
  });

  test('nginx answers /healthz and keeps internal endpoints off the public port', async () => {
    assert.equal((await fetch(`${cluster.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${cluster.url}/metrics`)).status, 404);
    assert.equal((await fetch(`${cluster.url}/readyz`)).status, 404);
  });

  test('a websocket-only and a polling-only client both connect through nginx and get `connected`', async () => {
    const gatewayIds = cluster.gateways.map((g) => g.name);
    for (const transports of [['websocket'], ['polling']] as const) {
      const client = await connect(`transport-${transports[0]}`, { transports: [...transports] });
      const connected = client.connected();
      assert.equal(connected.userId, `transport-${transports[0]}`);
      assert.equal(connected.socketId, client.socket.id);
      assert.ok(
        gatewayIds.includes(connected.serverId),
        `serverId ${connected.serverId} is one of ${gatewayIds.join(', ')}`,
      );
      assert.ok(Array.isArray(connected.rooms));
      assert.equal(client.socket.io.engine.transport.name, transports[0]);
    }
  });

  test('a bad token is refused with the exact handshake error', async () => {
    await assert.rejects(connectClient(cluster.url, 'not-a-jwt', { reconnection: false }), {
      message: 'Authentication error: Invalid token',
    });
  });

  test('clients bound to 127.0.1.1 … 127.0.6.1 land on both gateways', async () => {
    const spread = await connectSpread('spread');
    const servers = new Set(spread.map((s) => s.serverId));
    assert.deepEqual([...servers].sort(), cluster.gateways.map((g) => g.name).sort());
  });

  test('a message sent on one gateway reaches a member connected to the other', async () => {
    const { a, b } = await pairAcrossGateways('cross');
    const created = await a.client.request('room:create', { type: 'group', name: 'across', memberIds: [b.userId] });
    assert.equal(created.success, true, JSON.stringify(created));
    if (!created.success) return;
    const roomId = created.room.id;

    const joined = await b.client.request('room:join', { roomId });
    assert.equal(joined.success, true, JSON.stringify(joined));
    await a.client.request('room:join', { roomId });

    const arrival = b.client.next('message:new', 10_000, (m) => m.roomId === roomId);
    const sent = await a.client.request('message:send', { roomId, content: 'hello from the other gateway' });
    assert.equal(sent.success, true, JSON.stringify(sent));
    const message = await arrival;
    assert.equal(message.content, 'hello from the other gateway');
    assert.equal(message.senderId, a.userId);
    assert.equal(message.seq, 1);

    const history = await b.client.request('message:history', { roomId });
    assert.equal(history.success, true, JSON.stringify(history));
    if (history.success)
      assert.deepEqual(
        history.messages.map((m) => m.content),
        ['hello from the other gateway'],
      );
  });

  test('errors follow the ack contract: NOT_FOUND, INVALID_PAYLOAD, FORBIDDEN', async () => {
    const owner = await connect('acl-owner', { localAddress: '127.0.1.1' });
    const stranger = await connect('acl-stranger', { localAddress: '127.0.2.1' });

    assert.deepEqual(await owner.request('room:join', { roomId: 'no-such-room' }), {
      success: false,
      code: 'NOT_FOUND',
      error: 'Room not found',
    });

    // Group and topic rooms are open to anyone; a visit room is members-only.
    const created = await owner.request('room:create', { type: 'visit', name: 'private' });
    assert.equal(created.success, true, JSON.stringify(created));
    if (!created.success) return;
    const roomId = created.room.id;

    assert.deepEqual(await owner.request('message:send', { roomId }), {
      success: false,
      code: 'INVALID_PAYLOAD',
      error: 'Message content is required',
    });
    assert.deepEqual(await owner.request('message:send', 'not an object'), {
      success: false,
      code: 'INVALID_PAYLOAD',
      error: 'Payload must be an object',
    });
    const badType = await owner.request('room:create', { type: 'castle' });
    assert.equal(badType.success, false);
    if (!badType.success) {
      assert.equal(badType.code, 'INVALID_PAYLOAD');
      assert.match(badType.error, /^type: /);
    }

    const denied = await stranger.request('room:join', { roomId });
    assert.deepEqual(denied, { success: false, code: 'FORBIDDEN', error: 'Access denied to this room' });
    const sendDenied = await stranger.request('message:send', { roomId, content: 'let me in' });
    assert.equal(sendDenied.success, false);
    if (!sendDenied.success) assert.equal(sendDenied.code, 'FORBIDDEN');
    // Nothing crashed: the owner is still served on the same socket.
    assert.equal((await owner.request('room:participants', { roomId })).success, true);
  });

  test('a polling-only client keeps its session over a hundred requests', async () => {
    const client = await connect('poller', { transports: ['polling'], localAddress: '127.0.3.1' });
    const created = await client.request('room:create', { type: 'group', name: 'polling' });
    assert.equal(created.success, true, JSON.stringify(created));
    if (!created.success) return;
    const socketId = client.socket.id;
    const engineId = client.socket.io.engine.id;
    let disconnects = 0;
    client.socket.on('disconnect', () => disconnects++);
    for (let i = 0; i < 100; i++) {
      const ack: { success: boolean } = await client.request('room:participants', { roomId: created.room.id });
      assert.equal(ack.success, true, `request ${i}: ${JSON.stringify(ack)}`);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(disconnects, 0);
    assert.equal(client.socket.id, socketId);
    assert.equal(client.socket.io.engine.id, engineId);
    assert.equal(client.socket.io.engine.transport.name, 'polling');
  });

  // The supervisor restarts the killed gateway (supervision.test.ts); its clients reconnect at once,
  // so they normally land on the other one, but landing on the restarted one is just as right.
  test('when a gateway is killed, its clients reconnect through nginx and keep working', async () => {
    const { a: victim, b: survivor, spread } = await pairAcrossGateways('crash');
    const created = await victim.client.request('room:create', {
      type: 'group',
      name: 'crash',
      memberIds: [survivor.userId],
    });
    assert.equal(created.success, true, JSON.stringify(created));
    if (!created.success) return;
    const roomId = created.room.id;
    assert.equal((await survivor.client.request('room:join', { roomId })).success, true);

    const doomed = cluster.gateways.find((g) => g.name === victim.serverId);
    assert.ok(doomed, `gateway ${victim.serverId} is in the cluster state`);
    const stranded = spread.filter((s) => s.serverId === doomed.name);
    const reconnected = stranded.map((s) => s.client.nextConnected(20_000));
    cluster.kill(doomed.pid);
    const rejoined = await Promise.all(reconnected);
    const gatewayIds = cluster.gateways.map((g) => g.name);
    for (const c of rejoined)
      assert.ok(gatewayIds.includes(c.serverId), `reconnected to ${c.serverId}, one of ${gatewayIds.join(', ')}`);
    assert.deepEqual(
      rejoined.map((c) => c.userId),
      stranded.map((s) => s.userId),
    );

    // The reconnected client is fully served: it re-joins, sends, and receives.
    assert.equal((await victim.client.request('room:join', { roomId })).success, true);
    const toSurvivor = survivor.client.next(
      'message:new',
      10_000,
      (m) => m.roomId === roomId && m.senderId === victim.userId,
    );
    assert.equal((await victim.client.request('message:send', { roomId, content: 'still here' })).success, true);
    assert.equal((await toSurvivor).content, 'still here');
    // The victim's own message also comes back to it; wait for the survivor's.
    const toVictim = victim.client.next(
      'message:new',
      10_000,
      (m) => m.roomId === roomId && m.senderId === survivor.userId,
    );
    assert.equal((await survivor.client.request('message:send', { roomId, content: 'welcome back' })).success, true);
    assert.equal((await toVictim).content, 'welcome back');
  });
});
