import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RequestContext } from '@switchboard/protocol';
import { TSX_ARGS, testPrefix, waitFor } from '@switchboard/testkit';
import { type AnyCommands, numberField, testContext } from './bus.contract.ts';
import { partitionKeyOf, partitionOf } from './partitions.ts';
import type { RedisBusOptions } from './redis-bus.ts';
import { busKeys } from './redis-keys.ts';
import { testBuses } from './testing/test-buses.ts';

const prefix = testPrefix('redis-bus-partitions');
const keys = busKeys(prefix);
const PARTITIONS = 8;
const children: ChildProcess[] = [];
const buses = testBuses(prefix, { timeoutMs: 20_000, claimIdleMs: 300, leaseMs: 600, partitions: PARTITIONS });
const { admin } = buses;
const makeBus = (consumer: string, overrides: Partial<RedisBusOptions<AnyCommands>> = {}) =>
  buses.make({ consumer, ...overrides });

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await buses.closeAll();
});

/** Partition → owning consumer, as the leases in Redis say. */
async function owners(service: string): Promise<(string | null)[]> {
  return Promise.all(Array.from({ length: PARTITIONS }, (_, p) => admin.get(keys.lease(service, p))));
}

/** A sender id whose commands land in `partition` (unkeyed commands go by user id). */
function senderIn(partition: number): string {
  for (let i = 0; ; i += 1) if (partitionOf(`sender-${i}`, PARTITIONS) === partition) return `sender-${i}`;
}

const ctxOf = (userId: string, n: number) => ({ ...testContext(`r-${n}`), userId });

describe('partition keys', () => {
  test('the field the spec names is the key; without it the sender orders the command', () => {
    const ctx = testContext();
    assert.equal(partitionKeyOf('roomId', { roomId: 'r1', content: 'x' }, ctx), 'r1');
    assert.equal(partitionKeyOf('roomId', { content: 'x' }, ctx), ctx.userId);
    assert.equal(partitionKeyOf(undefined, { roomId: 'r1' }, ctx), ctx.userId);
    assert.equal(partitionKeyOf('roomId', { roomId: { nested: true } }, ctx), ctx.userId);
  });

  test('keys spread over every partition and always map to the same one', () => {
    const seen = new Set(Array.from({ length: 200 }, (_, i) => partitionOf(`room-${i}`, PARTITIONS)));
    assert.equal(seen.size, PARTITIONS);
    assert.equal(partitionOf('room-7', PARTITIONS), partitionOf('room-7', PARTITIONS));
  });
});

describe('RedisBus partitions', () => {
  test('a second consumer takes its share of the partitions and each sender keeps its order across the handover', async () => {
    const service = 'share';
    const handled: { by: string; sender: string; n: number }[] = [];
    const handlers = (by: string) => ({
      'step:it': async (payload: unknown, ctx: RequestContext) => {
        const n = numberField(payload, 'n');
        handled.push({ by, sender: ctx.userId, n });
        await new Promise((r) => setTimeout(r, 5 + (n % 7)));
        return payload;
      },
    });
    const first = makeBus('share-a');
    await first.handle(service, handlers('a'));
    const senders = Array.from({ length: 6 }, (_, i) => `share-sender-${i}`);
    const wave = (from: number) =>
      senders.flatMap((s) =>
        Array.from({ length: 40 }, (_, i) =>
          first.request(service, 'step:it', { n: from + i }, ctxOf(s, from + i), { timeoutMs: 30_000 }),
        ),
      );
    const replies = wave(0);
    const second = makeBus('share-b');
    await second.handle(service, handlers('b'));
    replies.push(...wave(40));
    await waitFor(
      async () => {
        const o = await owners(service);
        return o.filter((c) => c === 'share-a').length === 4 && o.filter((c) => c === 'share-b').length === 4;
      },
      { timeoutMs: 20_000, what: 'partitions split 4/4' },
    );
    replies.push(...wave(80));
    await Promise.all(replies);

    for (const sender of senders) {
      const ns = handled.filter((h) => h.sender === sender).map((h) => h.n);
      assert.deepEqual(
        ns,
        Array.from({ length: 120 }, (_, n) => n),
        `${sender} handled in send order`,
      );
    }
    assert.ok(
      handled.some((h) => h.by === 'b'),
      'the second consumer handled commands',
    );
  });

  test("a consumer SIGKILLed mid-burst: the next owner finishes the partition's pending entries first, in order", async () => {
    const service = 'takeover';
    const rescued: number[] = [];
    const rescuer = makeBus('rescuer');
    await rescuer.handle(service, {
      'work:it': async (payload) => {
        const n = numberField(payload, 'n');
        rescued.push(n);
        return { doneBy: 'rescuer', n };
      },
    });

    const fixture = fileURLToPath(new URL('./test-fixtures/stuck-consumer.ts', import.meta.url));
    const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
    const child = spawn(process.execPath, [...TSX_ARGS, fixture, prefix, service, '600', String(PARTITIONS)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const doomed = `doomed-${child.pid}`;
    // The rescuer owned everything; it sheds half to the newcomer.
    await waitFor(async () => (await owners(service)).includes(doomed), {
      timeoutMs: 20_000,
      what: 'the doomed consumer to own a partition',
    });
    const partition = (await owners(service)).indexOf(doomed);
    const sender = senderIn(partition);
    const ns = Array.from({ length: 30 }, (_, n) => n);
    const answers = ns.map((n) => rescuer.request(service, 'work:it', { n }, ctxOf(sender, n), { timeoutMs: 30_000 }));
    await waitFor(() => output.split('\n').filter((l) => l === 'holding').length === ns.length, {
      timeoutMs: 15_000,
      what: 'the doomed consumer holding the whole burst',
    });
    assert.deepEqual(rescued, [], 'nobody else runs a partition while its owner holds the lease');
    child.kill('SIGKILL');
    await once(child, 'exit');

    assert.deepEqual(
      await Promise.all(answers),
      ns.map((n) => ({ doneBy: 'rescuer', n })),
    );
    assert.deepEqual(rescued, ns, 'the pending entries ran in stream order');
    await waitFor(async () => (await rescuer.depth(service)) === 0, { what: 'everything acked' });
  });
});
