import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, prismaWatchedDb, type TestDatabase, testLogger, waitFor } from '@switchboard/testkit';
import { cancelTimers, cancelTimersWithPrefix, scheduleTimer } from './timer-store.ts';
import { type TimerHandler, TimerWorker } from './timer-worker.ts';

describe('durable timers', () => {
  let database: TestDatabase;
  const workers: TimerWorker[] = [];
  before(async () => {
    database = await createTestDatabase('timers');
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await database.drop();
  });

  const worker = (handlers: Record<string, TimerHandler>, options: { retryBaseMs?: number; pollMs?: number } = {}) => {
    const w = new TimerWorker({ db: database.db, log: testLogger('timers'), handlers, pollMs: 20, ...options });
    workers.push(w);
    w.start();
    return w;
  };
  const soon = (ms = 0) => new Date(Date.now() + ms);
  const remaining = (kind: string) => database.db.durableTimer.count({ where: { kind } });

  test('a due timer fires once with its payload, and its row is gone', async () => {
    const fired: unknown[] = [];
    await scheduleTimer(database.db, { kind: 'basic', key: 'k1', dueAt: soon(), payload: { callId: 'c1' } });
    worker({ basic: async (timer) => void fired.push([timer.key, timer.payload]) });
    // The handler runs inside the transaction: the row is gone once that commits.
    await waitFor(async () => fired.length === 1 && (await remaining('basic')) === 0, { what: 'the timer to fire' });
    assert.deepEqual(fired, [['k1', { callId: 'c1' }]]);
  });

  test('a timer not yet due waits; moving it reschedules; a cancelled one never fires', async () => {
    // Everything is set up before a worker polls these kinds, so nothing here races the clock.
    await scheduleTimer(database.db, { kind: 'later', key: 'future', dueAt: soon(60_000) });
    await scheduleTimer(database.db, { kind: 'later', key: 'moved', dueAt: soon(60_000) });
    await scheduleTimer(database.db, { kind: 'later', key: 'cancelled', dueAt: soon(-1000) });
    await scheduleTimer(database.db, { kind: 'later', key: 'alert-1:2', dueAt: soon(-1000) });
    assert.equal(await cancelTimers(database.db, 'later', 'cancelled'), 1);
    assert.equal(await cancelTimersWithPrefix(database.db, 'later', 'alert-1:'), 1);
    await scheduleTimer(database.db, { kind: 'later', key: 'moved', dueAt: soon(-1000) });
    const fired: string[] = [];
    worker({ later: async (timer) => void fired.push(timer.key) });
    await waitFor(async () => fired.length === 1 && (await remaining('later')) === 1, { what: 'the moved timer' });
    assert.deepEqual(fired, ['moved']);
    const left = await database.db.durableTimer.findMany({ where: { kind: 'later' } });
    assert.deepEqual(
      left.map((t) => t.key),
      ['future'],
      'the timer not yet due is still waiting',
    );
  });

  test('an idle worker polls on the pool: Prisma runs nothing until a timer is due', async () => {
    const { db, prismaStatements: prismaQueries } = prismaWatchedDb(database.url);
    let polls = 0;
    const fired: string[] = [];
    const w = new TimerWorker({
      db,
      log: testLogger('timers'),
      handlers: { idle: async (timer) => void fired.push(timer.key) },
      pollMs: 20,
      // Each poll reads the clock once it knows the next due time: counts the polls.
      now: () => {
        polls++;
        return new Date();
      },
    });
    try {
      await scheduleTimer(database.db, { kind: 'idle', key: 'later', dueAt: soon(60_000) });
      w.start();
      await waitFor(() => polls >= 10, { what: 'ten idle polls' });
      assert.deepEqual(prismaQueries, [], 'an idle poll loads Prisma’s query compiler');
      await scheduleTimer(database.db, { kind: 'idle', key: 'now', dueAt: soon(-1) });
      await waitFor(() => fired.length === 1, { what: 'the due timer' });
      assert.deepEqual(fired, ['now']);
      assert.ok(prismaQueries.length > 0, 'a due timer is claimed in a Prisma transaction');
    } finally {
      await w.close();
      await db.$disconnect();
    }
  });

  test('a scheduled timer fires at its due time, not at the next poll', async () => {
    const fired: number[] = [];
    await scheduleTimer(database.db, { kind: 'on-time', key: 'k', dueAt: soon(400) });
    // A poll every minute: only the worker sleeping until the due time can fire it within the wait.
    worker({ 'on-time': async () => void fired.push(Date.now()) }, { pollMs: 60_000 });
    await waitFor(() => fired.length === 1, { timeoutMs: 10_000, what: 'the timer at its due time' });
  });

  test('the handler writes and the deletion commit together: a failing handler leaves no trace and is retried', async () => {
    let attempts = 0;
    worker(
      {
        flaky: async (_timer, tx) => {
          attempts += 1;
          await tx.user.create({ data: { id: `flaky-${attempts}`, name: 'x' } });
          if (attempts < 3) throw new Error('transient');
          return undefined;
        },
      },
      { retryBaseMs: 10 },
    );
    await scheduleTimer(database.db, { kind: 'flaky', key: 'k', dueAt: soon() });
    await waitFor(async () => (await remaining('flaky')) === 0 && attempts === 3, { what: 'the third attempt' });
    const users = await database.db.user.findMany({ where: { id: { startsWith: 'flaky-' } } });
    assert.deepEqual(
      users.map((u) => u.id),
      ['flaky-3'],
      'only the successful attempt committed',
    );
  });

  test('a handler that cancels its own timer (with the rest of its key) fires once, not retried', async () => {
    // Both rows exist before a worker polls this kind, so the cancel always sees both.
    await scheduleTimer(database.db, { kind: 'selfcancel', key: 'call-1:a', dueAt: soon() });
    await scheduleTimer(database.db, { kind: 'selfcancel', key: 'call-1:b', dueAt: soon(60_000) });
    const fired: string[] = [];
    worker({
      selfcancel: async (timer, tx) => {
        fired.push(timer.key);
        await cancelTimersWithPrefix(tx, 'selfcancel', 'call-1:');
        return undefined;
      },
    });
    await waitFor(async () => fired.length >= 1 && (await remaining('selfcancel')) === 0, {
      what: 'the timer to fire',
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(fired, ['call-1:a'], 'fired once, no failed retry');
  });

  test('an after-commit effect runs after the commit, once', async () => {
    const seen: string[] = [];
    worker({
      effect: async (_timer, tx) => {
        await tx.user.create({ data: { id: 'effect-user', name: 'x' } });
        return async () => {
          const committed = await database.db.user.findUnique({ where: { id: 'effect-user' } });
          seen.push(committed ? 'after commit' : 'before commit');
        };
      },
    });
    await scheduleTimer(database.db, { kind: 'effect', key: 'k', dueAt: soon() });
    await waitFor(() => seen.length === 1, { what: 'the effect' });
    assert.deepEqual(seen, ['after commit']);
  });

  test('two workers racing on 200 due timers fire each exactly once', async () => {
    const fired = new Map<string, number>();
    const count: TimerHandler = async (timer) => {
      fired.set(timer.key, (fired.get(timer.key) ?? 0) + 1);
      return undefined;
    };
    await database.db.durableTimer.createMany({
      data: Array.from({ length: 200 }, (_, i) => ({
        id: `race:t${i}`,
        kind: 'race',
        key: `t${i}`,
        dueAt: soon(-1000),
      })),
    });
    worker({ race: count });
    worker({ race: count });
    await waitFor(async () => (await remaining('race')) === 0, { timeoutMs: 90_000, what: 'all timers fired' });
    assert.equal(fired.size, 200);
    assert.deepEqual([...new Set(fired.values())], [1], 'no timer fired twice');
  });

  test('a worker SIGKILLed while it holds a claimed timer: another worker fires it, once', async () => {
    await scheduleTimer(database.db, { kind: 'doomed', key: 'k', dueAt: soon() });
    const fixture = fileURLToPath(new URL('./test-fixtures/stuck-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, database.url, 'doomed'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('holding'), { timeoutMs: 20_000, what: 'the fixture to claim the timer' });

    const fired: string[] = [];
    worker({ doomed: async (timer) => void fired.push(timer.key) });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(fired, [], 'not taken while the first worker holds the lock');

    child.kill('SIGKILL');
    await once(child, 'exit');
    await waitFor(() => fired.length === 1, { timeoutMs: 20_000, what: 'the surviving worker to fire it' });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(fired, ['k']);
    assert.equal(await remaining('doomed'), 0);
  });
});
