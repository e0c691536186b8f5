// The SDK's emergency helpers against a real Switchboard in this process: gateway, messaging and
// the notification service on a MemoryBus and a fresh database, clients over real websockets.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '@switchboard/bus';
import { createMemoryRateLimiter, ioBroadcaster, type RunningGateway, startGateway } from '@switchboard/gateway';
import type { RunningService } from '@switchboard/host';
import { service as messaging } from '@switchboard/messaging';
import { service as notification } from '@switchboard/notification';
import { BaseConfigSchema, createMetrics, createTokenVerifier, signToken } from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '@switchboard/testkit';
import { type AlertEventKind, createClient, EmergencyAlerts, type SwitchboardClient } from './index.ts';

const SECRET = 'client-emergency-test-secret';

describe('EmergencyAlerts (SDK) against a running Switchboard', () => {
  let database: TestDatabase;
  let bus: MemoryBus;
  let httpServer: http.Server;
  let gateway: RunningGateway;
  const services: RunningService[] = [];
  let url: string;
  const clients: SwitchboardClient[] = [];

  before(async () => {
    database = await createTestDatabase('client_emergency');
    // A write limit of 2 per window: SOS must pass it anyway.
    const config = BaseConfigSchema.parse({ JWT_SECRET: SECRET, LOG_LEVEL: 'silent', RATE_LIMIT_WRITE: '2' });
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
      gatewayId: 'gw-emergency',
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

  async function user(userId: string, phone?: string) {
    const client = createClient({
      url,
      getToken: () => signToken(SECRET, userId, { name: userId, ...(phone ? { phone } : {}) }),
      transports: ['websocket'],
    });
    clients.push(client);
    await client.synced();
    const alerts = new EmergencyAlerts(client);
    const seen: AlertEventKind[] = [];
    alerts.onEvent((_alert, kind) => seen.push(kind));
    return { client, alerts, seen };
  }

  test('SOS reaches the contact by phone; acknowledge and resolve fold into every device’s state; presses past the write limit are absorbed', async () => {
    const owner = await user('sdk-owner');
    const contact = await user('sdk-contact', '+44 20 7946 0101');
    const stranger = await user('sdk-stranger', '+44 20 7946 0999');
    await owner.client.createRoom({ type: 'emergency', emergencyContacts: ['+442079460101'] });

    const presses = await Promise.all(
      Array.from({ length: 6 }, () => owner.alerts.sos({ type: 'PANIC', message: 'help' })),
    );
    assert.equal(new Set(presses.map((p) => p.alertId)).size, 1, 'six presses past a write limit of 2: one alert');
    const { alertId } = presses[0]!;
    await waitFor(() => contact.alerts.get(alertId)?.state === 'active', { what: 'the contact alerted' });
    assert.ok(contact.seen.includes('alert'));

    const acknowledged = await contact.alerts.acknowledge(alertId);
    assert.equal(acknowledged.acknowledgedBy, 'sdk-contact');
    await waitFor(() => owner.alerts.get(alertId)?.state === 'acknowledged', { what: 'acknowledged on the owner' });

    await assert.rejects(stranger.alerts.acknowledge(alertId), { code: 'FORBIDDEN' });
    await owner.alerts.resolve(alertId, 'all good');
    await waitFor(() => contact.alerts.get(alertId)?.state === 'resolved', { what: 'resolved on the contact' });
    assert.deepEqual(contact.alerts.open(), []);
    assert.equal(contact.alerts.get(alertId)?.resolution, 'all good');
    assert.equal(stranger.seen.length, 0, 'the stranger heard nothing');
    await assert.rejects(owner.alerts.sos({ type: 'NOPE' as 'PANIC' }), { code: 'INVALID_PAYLOAD' });
  });
});
