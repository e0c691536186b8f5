// NotificationInbox against a real Switchboard in this process: gateway, messaging and
// notification on a MemoryBus and a fresh database, clients over real websockets.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '@switchboard/bus';
import { createMemoryRateLimiter, ioBroadcaster, type RunningGateway, startGateway } from '@switchboard/gateway';
import type { RunningService } from '@switchboard/host';
import { service as messaging } from '@switchboard/messaging';
import { service as notification } from '@switchboard/notification';
import type { Notification } from '@switchboard/protocol';
import { BaseConfigSchema, createMetrics, createTokenVerifier, signToken } from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '@switchboard/testkit';
import { createClient, NotificationInbox, type SwitchboardClient } from './index.ts';

const SECRET = 'client-inbox-test-secret';

describe('NotificationInbox against a running Switchboard', () => {
  let database: TestDatabase;
  let bus: MemoryBus;
  let httpServer: http.Server;
  let gateway: RunningGateway;
  const services: RunningService[] = [];
  let url: string;
  const clients: SwitchboardClient[] = [];

  before(async () => {
    database = await createTestDatabase('client_inbox');
    const config = BaseConfigSchema.parse({ JWT_SECRET: SECRET, LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '0' });
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
      gatewayId: 'gw-inbox',
      rateLimiter: createMemoryRateLimiter(),
    });
    for (const module of [messaging, notification]) {
      services.push(
        await module.start({
          config,
          log: testLogger(module.name),
          metrics: createMetrics(module.name),
          bus,
          db: database.db,
          broadcaster: ioBroadcaster(gateway.io),
          verifier,
        }),
      );
    }
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const client of clients) client.close();
    await gateway.close();
    for (const service of services) await service.close();
    await bus.close();
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await database.drop();
  });

  async function device(userId: string): Promise<{ client: SwitchboardClient; inbox: NotificationInbox }> {
    const client = createClient({
      url,
      getToken: () => signToken(SECRET, userId, { name: userId }),
      transports: ['websocket'],
    });
    clients.push(client);
    const inbox = new NotificationInbox(client);
    await client.synced();
    return { client, inbox };
  }
  const notify = (userId: string, title: string) =>
    bus.request(
      'notification',
      'notification:create',
      { to: { user: userId }, type: 't', title, body: '' },
      {
        userId: 'backend',
        name: 'backend',
        role: 'service',
        requestId: `r-${title}`,
      },
    );

  test('the unread count is an observable kept in sync across two devices', async () => {
    const phone = await device('ivy');
    const laptop = await device('ivy');
    await waitFor(() => phone.inbox.unreadCount === 0 && laptop.inbox.unreadCount === 0, { what: 'initial counts' });
    const seenOnLaptop: number[] = [];
    laptop.inbox.onUnreadCount((n) => seenOnLaptop.push(n));
    const arrived: Notification[] = [];
    phone.inbox.onNotification((n) => arrived.push(n));

    const { notificationIds } = await notify('ivy', 'first');
    await notify('ivy', 'second');
    await waitFor(() => phone.inbox.unreadCount === 2 && laptop.inbox.unreadCount === 2, { what: 'count 2' });
    await waitFor(() => arrived.length === 2, { what: 'two notification:new' });

    await phone.inbox.read(notificationIds[0]!);
    await waitFor(() => laptop.inbox.unreadCount === 1, { what: 'laptop sees the read' });
    assert.equal(await laptop.inbox.readAll(), 1);
    await waitFor(() => phone.inbox.unreadCount === 0, { what: 'phone sees readAll' });
    assert.deepEqual(seenOnLaptop, [0, 1, 2, 1, 0]);

    const page = await laptop.inbox.list({ limit: 1 });
    assert.equal(page.notifications[0]!.title, 'second');
    assert.equal(page.hasMore, true);
    const next = await laptop.inbox.list({ limit: 1, before: page.notifications[0]!.id });
    assert.equal(next.notifications[0]!.title, 'first');
    assert.equal(next.hasMore, false);
  });

  test('topics: subscribe and unsubscribe answer every topic of the user', async () => {
    const { inbox } = await device('tom');
    assert.deepEqual(await inbox.subscribe(['b-topic', 'a-topic']), ['a-topic', 'b-topic']);
    assert.deepEqual(await inbox.unsubscribe(['a-topic']), ['b-topic']);
  });

  test('a failed request rejects with the server code', async () => {
    const { inbox } = await device('una');
    await assert.rejects(inbox.read('ntf_nope'), (e: { code?: string }) => e.code === 'NOT_FOUND');
  });
});
