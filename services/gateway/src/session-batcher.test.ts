import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { handleStandIns, MemoryBus } from '@switchboard/bus';
import type { RequestContext, SessionEntry, SessionsPayload } from '@switchboard/protocol';
import { AppError, createLogger } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import { SessionBatcher, type SessionBatcherOptions } from './session-batcher.ts';

interface Entry {
  service: string;
  command: string;
  sockets: string[];
}

const log = createLogger({ service: 'test', level: 'silent' });
const entry = (socketId: string, userId = `u-${socketId}`): SessionEntry => ({
  socketId,
  userId,
  name: userId,
  role: 'user',
});

describe('the session batcher', () => {
  let bus: MemoryBus;
  let entries: Entry[];
  /** Messaging's answer per socket; a socket listed in `refuse` is answered with an error. */
  let refuse: Set<string>;
  let messagingDown: boolean;

  const recorder = (service: string, command: string) => async (payload: SessionsPayload) => {
    entries.push({ service, command, sockets: payload.sessions.map((s) => s.socketId) });
    return {};
  };
  const batcher = (options: Partial<SessionBatcherOptions> = {}) =>
    new SessionBatcher({ bus, log, gatewayId: 'gw-1', timeoutMs: 300, ...options });
  const of = (service: string, command: string) =>
    entries.filter((e) => e.service === service && e.command === command).map((e) => e.sockets);

  beforeEach(async () => {
    bus = new MemoryBus();
    entries = [];
    refuse = new Set();
    messagingDown = false;
    const followers = ['presence', 'call-signaling', 'notification'] as const;
    await handleStandIns(bus, {
      messaging: {
        'sessions:open': async (payload: SessionsPayload, _ctx: RequestContext) => {
          entries.push({
            service: 'messaging',
            command: 'sessions:open',
            sockets: payload.sessions.map((s) => s.socketId),
          });
          if (messagingDown) await new Promise((r) => setTimeout(r, 1000));
          return {
            sessions: payload.sessions.map((s) =>
              refuse.has(s.socketId)
                ? { ok: false as const, code: 'FORBIDDEN' }
                : { ok: true as const, rooms: [`room-of-${s.userId}`], unread: { [`room-of-${s.userId}`]: 1 } },
            ),
          };
        },
      },
      ...Object.fromEntries(
        followers.map((service) => [
          service,
          {
            'sessions:open': recorder(service, 'sessions:open'),
            'sessions:close': recorder(service, 'sessions:close'),
          },
        ]),
      ),
    });
  });
  afterEach(() => bus.close());

  test('sockets opening in one window make one entry per service, and each socket gets its own answer', async () => {
    const sessions = batcher({ windowMs: 20 });
    const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
    const answers = await Promise.all(ids.map((id) => sessions.open(entry(id))));
    assert.deepEqual(
      answers.map((a) => a.rooms),
      ids.map((id) => [`room-of-u-${id}`]),
    );
    assert.deepEqual(answers[3]?.unread, { 'room-of-u-s3': 1 });
    await sessions.flush();
    for (const service of ['messaging', 'presence', 'call-signaling', 'notification']) {
      assert.deepEqual(of(service, 'sessions:open'), [ids], `${service}: one entry with every socket, in order`);
    }
  });

  test('an open and a close of the same socket in one window reach the followers open first', async () => {
    const sessions = batcher({ windowMs: 20 });
    const opening = sessions.open(entry('a'));
    sessions.close(entry('a'));
    sessions.open(entry('b')).catch(() => undefined);
    await opening;
    await sessions.flush();
    for (const service of ['presence', 'call-signaling', 'notification']) {
      await waitFor(() => entries.filter((e) => e.service === service).length === 2 || undefined);
      const seen = entries.filter((e) => e.service === service);
      assert.deepEqual(
        seen.map((e) => [e.command, e.sockets]),
        [
          ['sessions:open', ['a', 'b']],
          ['sessions:close', ['a']],
        ],
      );
    }
    assert.deepEqual(of('messaging', 'sessions:close'), [], 'messaging follows no closes');
  });

  test('a close in a later window is handled after the open of an earlier one', async () => {
    const sessions = batcher({ windowMs: 5 });
    await sessions.open(entry('a'));
    sessions.close(entry('a'));
    await sessions.flush();
    await waitFor(() => of('presence', 'sessions:close').length === 1 || undefined);
    assert.deepEqual(
      entries.filter((e) => e.service === 'presence').map((e) => e.command),
      ['sessions:open', 'sessions:close'],
    );
  });

  test('sockets messaging refuses fail alone; the rest of the batch is answered', async () => {
    refuse = new Set(['s1', 's3']);
    const sessions = batcher({ windowMs: 20 });
    const results = await Promise.allSettled(['s0', 's1', 's2', 's3'].map((id) => sessions.open(entry(id))));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'rejected'],
    );
    const refused = results[1];
    assert.ok(refused?.status === 'rejected' && refused.reason instanceof AppError);
    assert.equal(refused.reason.code, 'FORBIDDEN');
    assert.equal(of('messaging', 'sessions:open').length, 1);
  });

  test('messaging not answering in time fails every socket of the batch (the gateway connects them without rooms)', async () => {
    messagingDown = true;
    const sessions = batcher({ windowMs: 5, timeoutMs: 100 });
    const results = await Promise.allSettled(['x', 'y'].map((id) => sessions.open(entry(id))));
    for (const result of results) {
      assert.ok(result.status === 'rejected' && result.reason instanceof AppError);
      assert.equal(result.reason.code, 'UNAVAILABLE');
    }
    // The followers were told all the same: a slow messaging delays none of them.
    assert.deepEqual(of('presence', 'sessions:open'), [['x', 'y']]);
  });

  test('a full window is sent at once, without waiting for the timer', async () => {
    const sessions = batcher({ windowMs: 60_000, maxBatch: 5 });
    const ids = Array.from({ length: 12 }, (_, i) => `s${i}`);
    const opening = ids.map((id) => sessions.open(entry(id)));
    await Promise.all(opening.slice(0, 10));
    assert.deepEqual(of('messaging', 'sessions:open'), [ids.slice(0, 5), ids.slice(5, 10)]);
    // The last two wait for the window (here a minute): flush is what shutdown calls.
    await sessions.flush();
    await Promise.all(opening);
    assert.deepEqual(of('messaging', 'sessions:open'), [ids.slice(0, 5), ids.slice(5, 10), ids.slice(10)]);
  });

  test('a lone socket waits no longer than the window', async () => {
    const sessions = batcher({ windowMs: 30 });
    const started = performance.now();
    await sessions.open(entry('alone'));
    const waited = performance.now() - started;
    assert.ok(waited >= 25 && waited < 1000, `waited ${waited.toFixed(0)} ms`);
    assert.deepEqual(of('messaging', 'sessions:open'), [['alone']]);
  });
});
