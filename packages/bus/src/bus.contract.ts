import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { RequestContext } from '@switchboard/protocol';
import { AppError, REFUSALS } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import type { Bus } from './bus.ts';
import type { AnyCommands } from './testing/any-commands.ts';

export { ANY_COMMANDS, type AnyCommands } from './testing/any-commands.ts';

/** A bus for one test; the suite closes it. Buses from one factory must share their transport. */
export type MakeBus = () => Bus<AnyCommands> | Promise<Bus<AnyCommands>>;

export function testContext(requestId = 'req-1'): RequestContext {
  return { userId: 'user-1', name: 'Ada', role: 'user', requestId };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A number field of a test payload (the test registry types payloads as unknown). */
export function numberField(payload: unknown, field: string): number {
  const value: unknown = typeof payload === 'object' && payload !== null ? Reflect.get(payload, field) : undefined;
  return Number(value);
}

function timerCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/**
 * The behaviour every Bus implementation shares (docs: packages/bus/README.md). Each test uses
 * services of its own, so a shared transport never carries one test's commands into another.
 */
export function busContract(name: string, makeBus: MakeBus): void {
  describe(`${name} (bus contract)`, () => {
    const open = new Set<Bus<AnyCommands>>();
    let serial = 0;
    const service = (label: string) => `${label}-${++serial}`;
    const bus = async () => {
      const b = await makeBus();
      open.add(b);
      return b;
    };
    after(async () => {
      await Promise.all([...open].map((b) => b.close()));
    });

    test('a request gets the reply its handler returned, with the caller context', async () => {
      const b = await bus();
      const svc = service('echo');
      await b.handle(svc, {
        'echo:it': async (payload, ctx) => ({ payload, userId: ctx.userId, requestId: ctx.requestId }),
      });
      const result = await b.request(svc, 'echo:it', { text: 'hi', n: [1, 2] }, testContext('r-42'));
      assert.deepEqual(result, { payload: { text: 'hi', n: [1, 2] }, userId: 'user-1', requestId: 'r-42' });
    });

    test('an AppError thrown by the handler reaches the requester with its code and message', async () => {
      const b = await bus();
      const svc = service('errors');
      await b.handle(svc, {
        'deny:it': async () => {
          throw new AppError('FORBIDDEN', 'Not a member of this room');
        },
        'crash:it': async () => {
          throw new Error('secret database detail');
        },
      });
      await assert.rejects(b.request(svc, 'deny:it', {}, testContext()), (e: unknown) => {
        assert.ok(e instanceof AppError);
        assert.equal(e.code, 'FORBIDDEN');
        assert.equal(e.message, 'Not a member of this room');
        return true;
      });
      await assert.rejects(b.request(svc, 'crash:it', {}, testContext()), {
        code: 'INTERNAL',
        message: 'Internal server error',
      });
    });

    test('a command its service has no handler for is answered UNAVAILABLE', async () => {
      const b = await bus();
      const svc = service('partial');
      await b.handle(svc, { 'known:it': async () => ({}) });
      await assert.rejects(b.request(svc, 'feature:missing', {}, testContext()), {
        code: 'UNAVAILABLE',
        message: 'feature:missing is not available on this server',
      });
    });

    test('a request not answered before its deadline fails UNAVAILABLE', async () => {
      const b = await bus();
      const svc = service('slow');
      const release = deferred();
      await b.handle(svc, {
        'slow:it': async () => {
          await release.promise;
          return 'late';
        },
      });
      await assert.rejects(b.request(svc, 'slow:it', {}, testContext(), { timeoutMs: 150 }), { code: 'UNAVAILABLE' });
      await assert.rejects(b.request(service('nobody'), 'any:thing', {}, testContext(), { timeoutMs: 150 }), {
        code: 'UNAVAILABLE',
      });
      release.resolve();
    });

    test('a sent command is processed without a reply', async () => {
      const b = await bus();
      const svc = service('fire');
      const seen: unknown[] = [];
      await b.handle(svc, { 'note:it': async (payload) => void seen.push(payload) });
      await b.send(svc, 'note:it', { n: 1 }, testContext());
      await waitFor(() => seen.length === 1, { what: 'sent command handled' });
      assert.deepEqual(seen, [{ n: 1 }]);
    });

    test('commands sent before their service handles them wait and are processed after', async () => {
      const b = await bus();
      const svc = service('late-start');
      const seen: unknown[] = [];
      await b.send(svc, 'note:it', { n: 1 }, testContext());
      const answer = b.request(svc, 'double:it', { n: 21 }, testContext(), { timeoutMs: 5000 });
      await waitFor(async () => (await b.depth(svc)) === 2, { what: 'two queued commands' });
      await b.handle(svc, {
        'note:it': async (payload) => void seen.push(payload),
        'double:it': async (payload) => ({ n: (payload as { n: number }).n * 2 }),
      });
      assert.deepEqual(await answer, { n: 42 });
      await waitFor(() => seen.length === 1, { what: 'early send handled' });
      await waitFor(async () => (await b.depth(svc)) === 0, { what: 'queue drained' });
    });

    test('concurrent requests are each answered with their own result', async () => {
      const b = await bus();
      const svc = service('many');
      await b.handle(svc, {
        'square:it': async (payload) => {
          const { n } = payload as { n: number };
          await new Promise((r) => setTimeout(r, n % 7));
          return { n, square: n * n };
        },
      });
      const ns = Array.from({ length: 200 }, (_, i) => i);
      const results = await Promise.all(ns.map((n) => b.request(svc, 'square:it', { n }, testContext(`r-${n}`))));
      assert.deepEqual(
        results,
        ns.map((n) => ({ n, square: n * n })),
      );
    });

    test('commands from one sender start in the order they were sent, even when handlers overlap', async () => {
      const b = await bus();
      const svc = service('ordered');
      const started: number[] = [];
      await b.handle(svc, {
        'step:it': async (payload) => {
          const n = numberField(payload, 'n');
          started.push(n);
          // Later commands finish first: only the start order is promised.
          await new Promise((r) => setTimeout(r, 20 - (n % 20)));
          return payload;
        },
      });
      const ns = Array.from({ length: 60 }, (_, n) => n);
      await Promise.all(ns.map((n) => b.request(svc, 'step:it', { n }, testContext(`r-${n}`))));
      assert.deepEqual(started, ns);
    });

    test('a guarded command is accepted within its counter, then refused RATE_LIMITED and never run', async () => {
      const b = await bus();
      const svc = service('guarded');
      let runs = 0;
      await b.handle(svc, {
        'count:it': async (payload) => {
          runs += 1;
          return payload;
        },
      });
      const guard = { key: `bus-contract:guard:${svc}:${process.pid}:${Date.now()}`, limit: 3, windowMs: 10_000 };
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, (_, n) =>
          b.request(svc, 'count:it', { n }, testContext(`g-${n}`), { guard }).then(
            () => 'ok',
            (error: AppError) => `${error.code}: ${error.message}`,
          ),
        ),
      );
      assert.deepEqual(outcomes, ['ok', 'ok', 'ok', ...Array(2).fill(`RATE_LIMITED: ${REFUSALS.rateLimited}`)]);
      await assert.rejects(b.send(svc, 'count:it', { n: 6 }, testContext(), { guard }), { code: 'RATE_LIMITED' });
      const other = { ...guard, key: `${guard.key}:other` };
      assert.deepEqual(await b.request(svc, 'count:it', { n: 7 }, testContext(), { guard: other }), { n: 7 });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(runs, 4, 'refused commands never reach the handler');
    });

    test("a guard's counter expires a window after its first hit, restoring the budget", async () => {
      const b = await bus();
      const svc = service('guard-window');
      await b.handle(svc, { 'ping:it': async () => 'pong' });
      const guard = { key: `bus-contract:window:${svc}:${process.pid}:${Date.now()}`, limit: 1, windowMs: 300 };
      assert.equal(await b.request(svc, 'ping:it', {}, testContext(), { guard }), 'pong');
      await assert.rejects(b.request(svc, 'ping:it', {}, testContext(), { guard }), { code: 'RATE_LIMITED' });
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(await b.request(svc, 'ping:it', {}, testContext(), { guard }), 'pong');
    });

    test('close waits for running handlers, refuses new commands and leaves no timers', async () => {
      // Other tests' buses keep timers of their own (background loops): close them first.
      await Promise.all([...open].map((b) => b.close()));
      open.clear();
      const timersBefore = timerCount();
      const b = await makeBus();
      const svc = service('closing');
      const release = deferred();
      let started = false;
      let finished = false;
      await b.handle(svc, {
        'work:it': async () => {
          started = true;
          await release.promise;
          finished = true;
        },
      });
      await b.send(svc, 'work:it', {}, testContext());
      await waitFor(() => started, { what: 'handler started' });
      assert.equal(await b.depth(svc), 1, 'a command being handled still counts in the depth');
      setTimeout(() => release.resolve(), 100);
      await b.close();
      assert.equal(finished, true);
      await assert.rejects(b.request(svc, 'work:it', {}, testContext()), { code: 'UNAVAILABLE' });
      await assert.rejects(b.send(svc, 'work:it', {}, testContext()), { code: 'UNAVAILABLE' });
      assert.ok(timerCount() <= timersBefore, 'a timer outlived the bus');
    });
  });
}
