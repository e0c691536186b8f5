import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisBus } from '@switchboard/bus';
import { flushPrefix, recordCommands, testLogger, testPrefix, testRedis } from '@switchboard/testkit';
import type { Redis } from 'ioredis';
import { failOpen } from './rate-limit-fail-open.ts';
import { createRedisRateLimiter } from './rate-limit-redis.ts';
import { RATE_LIMITED_MESSAGE } from './requests.ts';
import { handleStandIns, once, request, startTestGateway, type TestGateway, testMessage } from './test-harness.ts';

// Cluster mode's request path: gateways on a RedisBus with the Redis limiter, whose hit rides on
// the bus's add (one round trip). The budget must stay per user across gateways, exactly.

const prefix = testPrefix('gateway-guard');
const connections: Redis[] = [];
const buses: RedisBus[] = [];
const redis = () => {
  const connection = testRedis();
  connections.push(connection);
  return connection;
};
const redisBus = (consumer: string, connection: Redis) => {
  const bus = new RedisBus({ redis: connection, subscriber: redis(), prefix, consumer, log: testLogger('bus') });
  buses.push(bus);
  return bus;
};

describe('rate limits over the Redis bus (two gateways)', () => {
  let handled = 0;
  const gateways: TestGateway[] = [];
  const gatewayRedis: Redis[] = [];

  before(async () => {
    await handleStandIns(redisBus('messaging-1', redis()), {
      messaging: {
        'session:open': async () => ({ rooms: [] }),
        'message:send': async () => {
          handled += 1;
          return { message: testMessage() };
        },
      },
    });
    for (const id of ['gw-a', 'gw-b']) {
      const connection = redis();
      gatewayRedis.push(connection);
      gateways.push(
        await startTestGateway({
          env: { RATE_LIMIT_WRITE: '5' },
          gatewayId: id,
          bus: redisBus(id, connection),
          rateLimiter: failOpen(createRedisRateLimiter(connection, prefix), testLogger('limiter')),
        }),
      );
    }
  });

  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all(buses.map((b) => b.close()));
    await flushPrefix(connections[0]!, prefix);
    await Promise.all(connections.map((c) => c.quit().catch(() => undefined)));
  });

  test("one user's sends over two gateways are admitted exactly up to the write budget", async () => {
    const [a, b] = gateways as [TestGateway, TestGateway];
    const phone = a.client(a.token('dora'));
    const laptop = b.client(b.token('dora'));
    await Promise.all([once(phone, 'connected'), once(laptop, 'connected')]);
    const sends = Array.from({ length: 8 }, (_, n) =>
      request(n % 2 ? laptop : phone, 'message:send', { roomId: 'r', content: `m${n}`, clientMessageId: `dora-${n}` }),
    );
    const acks = await Promise.all(sends);
    assert.equal(acks.filter((ack) => ack.success === true).length, 5);
    const refused = acks.filter((ack) => ack.success === false);
    assert.equal(refused.length, 3);
    for (const ack of refused)
      assert.deepEqual(ack, { success: false, code: 'RATE_LIMITED', error: RATE_LIMITED_MESSAGE });
    assert.equal(handled, 5, 'a refused send never reaches messaging');
  });

  test('a forwarded send costs the gateway one Redis command: the count and the add together', async () => {
    const a = gateways[0]!;
    const seen = recordCommands(gatewayRedis[0]!, 'erin');
    const socket = a.client(a.token('erin'));
    await once(socket, 'connected');
    seen.length = 0; // the connect's own commands are not the send's
    const ack = await request(socket, 'message:send', { roomId: 'r', content: 'hi', clientMessageId: 'erin-1' });
    assert.equal(ack.success, true);
    assert.deepEqual(seen, ['evalsha'], `commands sent for one message:send: ${seen.join(', ')}`);
  });
});
