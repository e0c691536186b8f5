import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  flushPrefix,
  newWebhookSecret,
  TEST_REDIS_URL,
  type TestDatabase,
  TSX_ARGS,
  testPrefix,
  testRedis,
  WebhookReceiver,
  waitFor,
} from '@switchboard/testkit';
import { createWebhookOutbox } from '@switchboard/webhooks';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/**
 * Durability across a crash: the real notification process (its `main.ts`, as the cluster runs
 * it) is SIGKILLed with a delivery pending, and the next process delivers it.
 */
describe('webhook outbox survives SIGKILL of the notification process', () => {
  let database: TestDatabase;
  const prefix = testPrefix('notify-restart');
  const redis = testRedis();
  const secret = newWebhookSecret();
  const children: ChildProcess[] = [];
  let receiver: WebhookReceiver;

  before(async () => {
    database = await createTestDatabase('notify_restart');
    receiver = new WebhookReceiver(secret, ['ok']);
    await receiver.start();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await receiver.stop();
    await database.drop();
    await flushPrefix(redis, prefix);
    redis.disconnect();
  });

  function startProcess(): { child: ChildProcess; output: () => string } {
    const child = spawn(process.execPath, [...TSX_ARGS, MAIN], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        DATABASE_URL: database.url,
        SERVICE_PORT: '0',
        HOST: '127.0.0.1',
        JWT_SECRET: 'notify-restart-secret',
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: secret,
        // Many short retries: a loaded machine may let the first process try several times
        // before the kill lands, and the event must not run out of attempts meanwhile.
        WEBHOOK_RETRY_DELAYS_MS: Array(30).fill(1000).join(','),
        WEBHOOK_TIMEOUT_MS: '60000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }
  async function kill(child: ChildProcess): Promise<void> {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  const enqueue = (marker: string) =>
    createWebhookOutbox({ WEBHOOK_URL: receiver.url }).enqueue(database.db, 'user.online', { marker });
  const row = (marker: string) =>
    database.db.webhookEvent.findFirstOrThrow({ where: { payload: { path: ['data', 'marker'], equals: marker } } });
  const receivedFor = (marker: string) => receiver.received.filter((w) => w.body.data.marker === marker);

  test('killed in the middle of an attempt: the next process sends it again, same id, and it is delivered', async () => {
    receiver.modes = ['hang', 'ok'];
    await enqueue('mid-attempt');
    const first = startProcess();
    await waitFor(() => receivedFor('mid-attempt').length === 1, {
      timeoutMs: 60_000,
      what: `the first process's attempt\n${first.output()}`,
    });
    await kill(first.child);
    assert.equal((await row('mid-attempt')).deliveredAt, null, 'not delivered yet');

    const second = startProcess();
    await waitFor(async () => (await row('mid-attempt')).deliveredAt, {
      timeoutMs: 60_000,
      what: `delivery by the second process\n${second.output()}`,
    });
    await kill(second.child);
    const attempts = receivedFor('mid-attempt');
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0]!.id, attempts[1]!.id, 'same webhook-id');
    assert.ok(attempts.every((w) => w.signatureValid));
  });

  test('the receiver is down while the process restarts: delivered once both are back', async () => {
    receiver.modes = ['ok'];
    await receiver.stop();
    await enqueue('receiver-down');
    const first = startProcess();
    await waitFor(async () => (await row('receiver-down')).attempts >= 1, {
      timeoutMs: 60_000,
      what: `a refused attempt\n${first.output()}`,
    });
    await kill(first.child);
    const refused = await row('receiver-down');
    assert.equal(refused.deliveredAt, null);
    assert.ok(refused.lastError, 'the refused attempt is recorded');

    await receiver.start();
    const second = startProcess();
    await waitFor(async () => (await row('receiver-down')).deliveredAt, {
      timeoutMs: 60_000,
      what: `delivery after the restart\n${second.output()}`,
    });
    await kill(second.child);
    assert.equal(receivedFor('receiver-down').length, 1);
    assert.ok(receivedFor('receiver-down')[0]!.signatureValid);
  });
});
