// A poison command — one whose handler takes its process down every time — against the real
// Redis and real processes: SIGKILLed consumers, then one that finds it delivered past
// `maxDeliveries`, dead-letters it and goes on with the partition.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TSX_ARGS, testPrefix, waitFor } from '@switchboard/testkit';
import { type AnyCommands, numberField, testContext } from './bus.contract.ts';
import type { RedisBusOptions } from './redis-bus.ts';
import { busKeys } from './redis-keys.ts';
import { testBuses } from './testing/test-buses.ts';

const prefix = testPrefix('redis-bus-dead');
const keys = busKeys(prefix);
const PARTITIONS = 1;
const LEASE_MS = 500;
const buses = testBuses(prefix, { claimIdleMs: LEASE_MS, leaseMs: LEASE_MS, partitions: PARTITIONS });
const { admin } = buses;
const makeBus = (consumer: string, overrides: Partial<RedisBusOptions<AnyCommands>> = {}) =>
  buses.make({ consumer, ...overrides });

after(() => buses.closeAll());

/** One consumer process that runs what it is given until the poison kills it. */
async function poisonedConsumerDies(service: string): Promise<void> {
  const fixture = fileURLToPath(new URL('./test-fixtures/poison-consumer.ts', import.meta.url));
  const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn(process.execPath, [...TSX_ARGS, fixture, prefix, service, String(LEASE_MS), String(PARTITIONS)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timeout);
  assert.equal(signal, 'SIGKILL');
  assert.match(output, /dying/, `the consumer ran the poison (exit ${code} ${signal})`);
}

describe('RedisBus dead letters', () => {
  test('a command that kills every consumer running it is dead-lettered after maxDeliveries; the partition goes on', async () => {
    const service = 'poisoned';
    const sender = makeBus('sender');
    const ctx = testContext('poison-sender');
    await sender.send(service, 'work:it', { n: 1, poison: true }, ctx);

    // Deliveries 1 and 2: each consumer that takes it dies with it.
    await poisonedConsumerDies(service);
    await poisonedConsumerDies(service);

    const ran: number[] = [];
    const survivor = makeBus('survivor', { maxDeliveries: 2 });
    await survivor.handle(service, {
      'work:it': async (payload) => {
        ran.push(numberField(payload, 'n'));
        return {};
      },
    });
    await sender.send(service, 'work:it', { n: 2 }, ctx);
    await waitFor(() => ran.includes(2), { timeoutMs: 20_000, what: 'the command after the poison run' });
    assert.deepEqual(ran, [2], 'the poison did not run a third time');

    const dead = (await admin.xrange(keys.deadLetters(service), '-', '+')).map(([, flat]) => {
      const fields: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
      return fields;
    });
    assert.equal(dead.length, 1);
    const [letter] = dead;
    assert.equal(letter?.command, 'work:it');
    assert.equal(letter?.deadDeliveries, '3');
    assert.equal(letter?.deadConsumer, 'survivor');
    assert.match(letter?.payload ?? '', /"poison":true/);
    // Answered like a failure: a redelivery finds the error, not a command to run.
    const stored = JSON.parse((await admin.get(keys.done(service, letter!.id!))) ?? 'null') as {
      ok: boolean;
      code: string;
      error: string;
    };
    assert.deepEqual([stored.ok, stored.code], [false, 'INTERNAL']);
    assert.match(stored.error, /abandoned after 2 deliveries/);
    await waitFor(async () => (await survivor.depth(service)) === 0, { what: 'everything acked' });
  });

  test('a command that merely ran once before its consumer stopped is run again, not dead-lettered', async () => {
    const service = 'unlucky';
    const sender = makeBus('sender-2');
    await sender.send(service, 'work:it', { n: 1, poison: true }, testContext('unlucky-sender'));
    await poisonedConsumerDies(service);
    const ran: number[] = [];
    const survivor = makeBus('survivor-2', { maxDeliveries: 2 });
    await survivor.handle(service, {
      'work:it': async (payload) => {
        ran.push(numberField(payload, 'n'));
        return {};
      },
    });
    await waitFor(() => ran.includes(1), { timeoutMs: 20_000, what: 'the second delivery run' });
    assert.equal(await admin.xlen(keys.deadLetters(service)), 0);
  });
});
