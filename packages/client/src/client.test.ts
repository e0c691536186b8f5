// The SDK against a real Switchboard in this process: gateway + messaging on a MemoryBus and a
// fresh database, clients over real websockets.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '@switchboard/bus';
import { createMemoryRateLimiter, ioBroadcaster, type RunningGateway, startGateway } from '@switchboard/gateway';
import type { RunningService } from '@switchboard/host';
import { service as messaging } from '@switchboard/messaging';
import { type Message, socketRooms } from '@switchboard/protocol';
import { BaseConfigSchema, createMetrics, createTokenVerifier, signToken } from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '@switchboard/testkit';
import { type ClientOptions, createClient, memoryCursorStorage, type SwitchboardClient } from './index.ts';

const SECRET = 'client-sdk-test-secret';

interface Member {
  client: SwitchboardClient;
  /** What onMessage handed to the app, in order. */
  seen: Message[];
  /** Raw `message:new` events (live deliveries only). */
  live: number;
  /** `connected` events so far. */
  connections: number;
}

describe('SwitchboardClient against a running Switchboard', () => {
  let database: TestDatabase;
  let bus: MemoryBus;
  let httpServer: http.Server;
  let gateway: RunningGateway;
  let messagingService: RunningService;
  let url: string;
  const clients: SwitchboardClient[] = [];

  before(async () => {
    database = await createTestDatabase('client_sdk');
    const config = BaseConfigSchema.parse({
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_WRITE: '100000',
      RATE_LIMIT_READ: '100000',
      SHUTDOWN_GRACE_MS: '0',
    });
    const verifier = createTokenVerifier({ secret: SECRET });
    bus = new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS });
    httpServer = http.createServer();
    gateway = await startGateway({
      config,
      log: testLogger('gateway'),
      metrics: createMetrics('gateway'),
      bus,
      verifier,
      httpServer,
      gatewayId: 'gw-sdk',
      rateLimiter: createMemoryRateLimiter(),
    });
    messagingService = await messaging.start({
      config,
      log: testLogger('messaging'),
      metrics: createMetrics('messaging'),
      bus,
      db: database.db,
      broadcaster: ioBroadcaster(gateway.io),
      verifier,
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const client of clients) client.close();
    await gateway.close();
    await messagingService.close();
    await bus.close();
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await database.drop();
  });

  async function member(userId: string, options: Partial<ClientOptions> = {}): Promise<Member> {
    const client = createClient({
      url,
      getToken: () => signToken(SECRET, userId, { name: userId }),
      transports: ['websocket'],
      gapDelayMs: 50,
      socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 300 },
      sendRetry: { baseDelayMs: 50, maxDelayMs: 300, timeoutMs: 3000 },
      ...options,
    });
    clients.push(client);
    const m: Member = { client, seen: [], live: 0, connections: 0 };
    client.on('connected', () => void (m.connections += 1));
    client.onMessage('*', (message) => m.seen.push(message));
    client.on('message:new', () => void (m.live += 1));
    await client.synced();
    return m;
  }

  const seqsIn = (m: Member, roomId: string) => m.seen.filter((x) => x.roomId === roomId).map((x) => x.seq);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  test('two clients receive every message once, in seq order', async () => {
    const alice = await member('alice-1');
    const bob = await member('bob-1');
    const room = await alice.client.createRoom({ type: 'group', name: 'order', memberIds: ['bob-1'] });
    // A burst sent without waiting: acks and broadcasts interleave, the SDK still orders them.
    await Promise.all(range(1, 20).map((i) => alice.client.sendMessage({ roomId: room.id, content: `m${i}` })));
    await waitFor(() => seqsIn(bob, room.id).length === 20, { what: 'bob has 20 messages' });
    await waitFor(() => seqsIn(alice, room.id).length === 20, { what: 'alice has 20 messages' });
    assert.deepEqual(seqsIn(bob, room.id), range(1, 20));
    assert.deepEqual(seqsIn(alice, room.id), range(1, 20));
    assert.equal(new Set(bob.seen.map((m) => m.id)).size, 20);
  });

  test('a client that lost its connection gets every message it missed exactly once, in order', async () => {
    const alice = await member('alice-2');
    const bob = await member('bob-2', {
      socketOptions: { reconnectionDelay: 1000, reconnectionDelayMax: 1000, randomizationFactor: 0 },
    });
    const room = await alice.client.createRoom({ type: 'group', name: 'reconnect', memberIds: ['bob-2'] });
    for (const i of range(1, 5)) await alice.client.sendMessage({ roomId: room.id, content: `before ${i}` });
    await waitFor(() => seqsIn(bob, room.id).length === 5, { what: 'first five' });

    const disconnected = new Promise((resolve) => bob.client.socket.once('disconnect', resolve));
    bob.client.socket.io.engine.close();
    await disconnected;
    for (const i of range(6, 35)) await alice.client.sendMessage({ roomId: room.id, content: `during ${i}` });

    await waitFor(() => seqsIn(bob, room.id).length >= 35, { timeoutMs: 10_000, what: 'bob recovered' });
    await bob.client.synced();
    assert.deepEqual(seqsIn(bob, room.id), range(1, 35));
    assert.ok(bob.live < 35, 'some messages were missed live and had to be recovered');
    assert.equal(bob.client.cursors()[room.id], 35);
  });

  test('a send whose connection drops is retried with the same clientMessageId and stored once', async () => {
    const alice = await member('alice-3');
    const room = await alice.client.createRoom({ type: 'group', name: 'retry' });
    const clientMessageId = `retry-${Date.now()}`;
    let attempts = 0;
    alice.client.socket.onAnyOutgoing((event) => void (event === 'message:send' && (attempts += 1)));
    const pending = alice.client.sendMessage({ roomId: room.id, content: 'only once', clientMessageId });
    alice.client.socket.io.engine.close();
    const sent = await pending;
    assert.ok(attempts >= 2, 'the first attempt lost its connection and was retried');
    const again = await alice.client.sendMessage({ roomId: room.id, content: 'only once', clientMessageId });
    assert.equal(again.id, sent.id);
    const { messages } = await alice.client.history({ roomId: room.id, afterSeq: 0 });
    assert.deepEqual(
      messages.filter((m) => m.clientMessageId === clientMessageId).map((m) => m.id),
      [sent.id],
    );
    assert.equal(messages.length, 1);
  });

  test('private messages to others leave a gap the client skips after checking history', async () => {
    const alice = await member('alice-4');
    const bob = await member('bob-4');
    const carol = await member('carol-4');
    const room = await alice.client.createRoom({ type: 'group', name: 'private', memberIds: ['bob-4', 'carol-4'] });
    await alice.client.sendMessage({ roomId: room.id, content: 'hello all' });
    await alice.client.sendMessage({ roomId: room.id, content: 'psst carol', targetUserId: 'carol-4' });
    await alice.client.sendMessage({ roomId: room.id, content: 'hello again' });
    await waitFor(() => carol.client.cursors()[room.id] === 3, { what: 'carol caught up' });
    await waitFor(() => bob.client.cursors()[room.id] === 3, { what: 'bob past the invisible seq' });
    assert.deepEqual(seqsIn(carol, room.id), [1, 2, 3]);
    assert.deepEqual(seqsIn(bob, room.id), [1, 3]);
    assert.ok(bob.seen.every((m) => m.targetUserId === undefined));
  });

  test('a client starting from stored cursors gets only what came after them; a new one gets the whole room', async () => {
    const alice = await member('alice-6');
    const room = await alice.client.createRoom({ type: 'group', name: 'cursors', memberIds: ['bob-6', 'carol-6'] });
    for (const i of range(1, 6)) await alice.client.sendMessage({ roomId: room.id, content: `m${i}` });
    const bob = await member('bob-6', { storage: memoryCursorStorage({ [room.id]: 4 }) });
    const carol = await member('carol-6');
    // synced() resolves after the first sync: both are caught up without any live message.
    assert.deepEqual(seqsIn(bob, room.id), [5, 6]);
    assert.deepEqual(seqsIn(carol, room.id), range(1, 6));
  });

  test('after the server closes its socket on purpose, the client reconnects and catches up', async () => {
    const alice = await member('alice-7');
    const bob = await member('bob-7');
    const room = await alice.client.createRoom({ type: 'group', name: 'kicked', memberIds: ['bob-7'] });
    await alice.client.sendMessage({ roomId: room.id, content: 'first' });
    await waitFor(() => seqsIn(bob, room.id).length === 1, { what: 'first message' });
    const connectionsBefore = bob.connections;
    gateway.io.in(socketRooms.user('bob-7')).disconnectSockets(true);
    await alice.client.sendMessage({ roomId: room.id, content: 'while away' });
    await waitFor(() => bob.connections > connectionsBefore, { what: 'bob reconnected by himself' });
    await bob.client.synced();
    await waitFor(() => seqsIn(bob, room.id).length === 2, { what: 'missed message recovered' });
    assert.deepEqual(seqsIn(bob, room.id), [1, 2]);
  });

  test('requests reject with the ack code as a SwitchboardError', async () => {
    const alice = await member('alice-5');
    await assert.rejects(alice.client.joinRoom('no-such-room'), { name: 'SwitchboardError', code: 'NOT_FOUND' });
    await assert.rejects(alice.client.request('message:send', { roomId: 'no-such-room', content: '   ' }), {
      name: 'SwitchboardError',
      code: 'INVALID_PAYLOAD',
      message: 'Message content is required',
    });
  });
});
