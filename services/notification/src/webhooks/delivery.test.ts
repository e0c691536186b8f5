import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BaseConfigSchema, createMetrics, type Metrics } from '@switchboard/runtime';
import {
  createTestDatabase,
  newWebhookSecret,
  prismaWatchedDb,
  sleep,
  type TestDatabase,
  testLogger,
  WebhookReceiver,
  waitFor,
} from '@switchboard/testkit';
import { createWebhookOutbox } from '@switchboard/webhooks';

import type { WebhookDeliveryWorker } from './delivery-worker.ts';
import { startWebhookDelivery } from './webhook-delivery.ts';

describe('webhook delivery from the outbox (real Postgres, real HTTP receiver)', () => {
  let database: TestDatabase;
  const secret = newWebhookSecret();
  const receivers: WebhookReceiver[] = [];
  const workers: WebhookDeliveryWorker[] = [];
  before(async () => {
    database = await createTestDatabase('notify_webhooks');
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(receivers.map((r) => r.stop()));
    await database.drop();
  });

  async function receiver(modes: WebhookReceiver['modes']): Promise<WebhookReceiver> {
    const r = new WebhookReceiver(secret, modes);
    await r.start();
    receivers.push(r);
    return r;
  }
  function deliver(url: string, env: Record<string, string> = {}, db = database.db): Metrics {
    const config = BaseConfigSchema.parse({
      WEBHOOK_URL: url,
      WEBHOOK_SECRET: secret,
      WEBHOOK_RETRY_DELAYS_MS: '50,50',
      WEBHOOK_TIMEOUT_MS: '500',
      ...env,
    });
    const metrics = createMetrics('notification');
    const worker = startWebhookDelivery({ config, db, log: testLogger('webhooks'), metrics, pollMs: 20 });
    assert.ok(worker);
    workers.push(worker);
    return metrics;
  }
  const enqueue = (url: string, data: Record<string, unknown>) =>
    createWebhookOutbox({ WEBHOOK_URL: url }).enqueue(database.db, 'room.created', data);
  const outcomes = async (metrics: Metrics) =>
    (await metrics.registry.getSingleMetricAsString('switchboard_webhook_deliveries_total'))
      .split('\n')
      .filter((l) => !l.startsWith('#'));
  const rowFor = (marker: string) =>
    database.db.webhookEvent.findFirstOrThrow({ where: { payload: { path: ['data', 'marker'], equals: marker } } });

  // First, while the outbox is empty.
  test('with nothing due, the delivery loops poll on the pool: no Prisma statement until an event is due', async () => {
    const r = await receiver(['ok']);
    const { db, prismaStatements } = prismaWatchedDb(database.url);
    try {
      deliver(r.url, {}, db);
      await sleep(300); // ≈ 15 polls of each loop
      assert.deepEqual(prismaStatements, [], 'an idle poll loads Prisma’s query compiler');
      await enqueue(r.url, { marker: 'idle-then-due' });
      await waitFor(() => r.received.length === 1, { what: 'the delivery' });
      assert.ok(prismaStatements.length > 0, 'a due event is claimed in a Prisma transaction');
    } finally {
      await workers.pop()?.close();
      await db.$disconnect();
    }
  });

  test('a receiver that fails the first attempt gets a retry with the same id, both signed; then it is delivered', async () => {
    const r = await receiver(['fail', 'ok']);
    await enqueue(r.url, { marker: 'retry-once', roomId: 'r1' });
    const metrics = deliver(r.url);
    await waitFor(async () => (await rowFor('retry-once')).deliveredAt, { timeoutMs: 20_000, what: 'delivery' });
    await closeAll();
    assert.equal(r.received.length, 2);
    assert.equal(r.received[0]!.id, r.received[1]!.id, 'same webhook-id on every attempt');
    assert.ok(
      r.received.every((w) => w.signatureValid),
      'signature verified by the receiver',
    );
    assert.equal(r.received[1]!.body.type, 'room.created');
    assert.deepEqual(r.received[1]!.body.data, { marker: 'retry-once', roomId: 'r1' });
    const row = await rowFor('retry-once');
    assert.equal(row.attempts, 2);
    assert.equal(row.id, r.received[0]!.id);
    const lines = await outcomes(metrics);
    assert.ok(
      lines.some((l) => l.includes('outcome="retry"') && l.endsWith(' 1')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.includes('outcome="delivered"') && l.endsWith(' 1')),
      lines.join('\n'),
    );
  });

  test('a receiver that never answers times out and is retried', async () => {
    const r = await receiver(['hang', 'ok']);
    await enqueue(r.url, { marker: 'timeout' });
    deliver(r.url);
    await waitFor(async () => (await rowFor('timeout')).deliveredAt, { timeoutMs: 20_000, what: 'delivery' });
    await closeAll();
    assert.deepEqual(
      r.received.map((w) => w.answered),
      ['hang', 'ok'],
    );
    const row = await rowFor('timeout');
    assert.equal(row.attempts, 2);
    assert.equal(row.lastError, null, 'the timeout is forgotten once delivered');
  });

  test('attempts are bounded: after the last retry the event is marked failed, counted and kept', async () => {
    const r = await receiver(['fail']);
    await enqueue(r.url, { marker: 'doomed' });
    const metrics = deliver(r.url);
    await waitFor(async () => (await rowFor('doomed')).failedAt, { timeoutMs: 20_000, what: 'failure' });
    await closeAll();
    assert.equal(r.received.length, 3, 'first attempt plus two retries');
    const row = await rowFor('doomed');
    assert.equal(row.attempts, 3);
    assert.equal(row.lastError, 'HTTP 500');
    assert.equal(row.deliveredAt, null);
    assert.ok((await outcomes(metrics)).some((l) => l.includes('outcome="failed"') && l.endsWith(' 1')));
  });

  test('two workers draining 60 events deliver each exactly once (SKIP LOCKED)', async () => {
    const r = await receiver(['ok']);
    for (let i = 0; i < 60; i++) await enqueue(r.url, { marker: `race-${i}` });
    deliver(r.url);
    deliver(r.url);
    await waitFor(
      async () => (await database.db.webhookEvent.count({ where: { deliveredAt: null, failedAt: null } })) === 0,
      {
        timeoutMs: 60_000,
        what: 'every event delivered',
      },
    );
    await closeAll();
    const ids = r.received.map((w) => w.id);
    assert.equal(ids.length, 60);
    assert.equal(new Set(ids).size, 60, 'no event was sent twice');
  });

  test('without WEBHOOK_URL nothing runs; WEBHOOK_URL without WEBHOOK_SECRET refuses to start', () => {
    const deps = { db: database.db, log: testLogger('webhooks'), metrics: createMetrics('notification') };
    assert.equal(startWebhookDelivery({ ...deps, config: BaseConfigSchema.parse({}) }), undefined);
    assert.throws(
      () => startWebhookDelivery({ ...deps, config: BaseConfigSchema.parse({ WEBHOOK_URL: 'http://127.0.0.1:9/x' }) }),
      /WEBHOOK_SECRET is required with WEBHOOK_URL/,
    );
  });

  async function closeAll(): Promise<void> {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  }
});
