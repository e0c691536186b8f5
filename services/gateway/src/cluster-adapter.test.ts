import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAdapter } from '@socket.io/redis-adapter';
import { MemoryBus } from '@switchboard/bus';
import { type Message, socketRooms } from '@switchboard/protocol';
import { type Broadcaster, createRedisBroadcaster, socketIoKey } from '@switchboard/runtime';
import { flushPrefix, testPrefix, testRedis, waitFor } from '@switchboard/testkit';
import type { Redis } from 'ioredis';
import { once, startTestGateway, type TestClient, type TestGateway } from './test-harness.ts';

describe('two gateways on one Redis adapter', () => {
  const prefix = testPrefix('gateway-adapter');
  const connections: Redis[] = [];
  const redis = () => {
    const connection = testRedis();
    connections.push(connection);
    return connection;
  };
  const bus = new MemoryBus({ timeoutMs: 2000 });
  let a: TestGateway;
  let b: TestGateway;
  let alice: TestClient;
  let bob: TestClient;
  let broadcaster: Broadcaster;

  before(async () => {
    await bus.handle('messaging', { 'session:open': async () => ({ rooms: ['r1'] }) });
    const adapter = () => {
      return createAdapter(redis(), redis(), { key: socketIoKey(prefix) });
    };
    a = await startTestGateway({ bus, gatewayId: 'gw-a', adapter: adapter() });
    b = await startTestGateway({ bus, gatewayId: 'gw-b', adapter: adapter() });
    broadcaster = createRedisBroadcaster(redis(), prefix);
    alice = a.client(a.token('alice'));
    bob = b.client(b.token('bob'));
    const [onA, onB] = await Promise.all([once(alice, 'connected'), once(bob, 'connected')]);
    assert.equal(onA.serverId, 'gw-a');
    assert.equal(onB.serverId, 'gw-b');
  });
  after(async () => {
    await a.close();
    await b.close();
    await bus.close();
    await flushPrefix(connections[0]!, prefix);
    for (const connection of connections) connection.disconnect();
  });

  test('an emit through the redis-emitter reaches members on both gateways', async () => {
    const message = {
      id: 'm1',
      roomId: 'r1',
      seq: 1,
      senderId: 'alice',
      content: 'hello',
      createdAt: new Date().toISOString(),
    } satisfies Message;
    const received = Promise.all([once(alice, 'message:new'), once(bob, 'message:new')]);
    broadcaster.to(socketRooms.room('r1')).emit('message:new', message);
    assert.deepEqual(await received, [message, message]);
  });

  test('socketsJoin through the emitter moves a socket on the other gateway into a room', async () => {
    broadcaster.in(socketRooms.user('bob')).socketsJoin(socketRooms.room('r9'));
    await waitFor(() => b.gateway.io.of('/').sockets.get(bob.id!)?.rooms.has(socketRooms.room('r9')), {
      what: 'bob to join r9',
    });
    assert.equal(a.gateway.io.of('/').sockets.get(alice.id!)?.rooms.has(socketRooms.room('r9')), false);
  });

  test('typing crosses gateways', async () => {
    const seen = once(bob, 'typing:start');
    alice.emit('typing:start', { roomId: 'r1' });
    assert.deepEqual(await seen, { roomId: 'r1', userId: 'alice' });
  });
});
