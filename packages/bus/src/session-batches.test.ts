import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestContext, SessionPayload, SessionsPayload } from '@switchboard/protocol';
import { AppError, createLogger } from '@switchboard/runtime';
import { answerEachSession, eachSession } from './session-batches.ts';

const log = createLogger({ service: 'test', level: 'silent' });
const batchCtx: RequestContext = { userId: 'system', name: 'gateway', role: 'system', requestId: 'batch-1' };
const payload: SessionsPayload = {
  gatewayId: 'gw-1',
  sessions: [
    { socketId: 's1', userId: 'ann', name: 'Ann', role: 'user', phone: '+15550100000' },
    { socketId: 's2', userId: 'bob', name: 'Bob', role: 'admin' },
    { socketId: 's3', userId: 'cat', name: 'Cat', role: 'user' },
  ],
};

describe('session batches from single-session handlers', () => {
  test('each socket is handled in order with its own principal; one failing does not stop the others', async () => {
    const seen: [SessionPayload, RequestContext][] = [];
    const handle = eachSession(async (single, ctx) => {
      seen.push([single, ctx]);
      if (ctx.userId === 'bob') throw new Error('boom');
      return {};
    }, log);
    assert.deepEqual(await handle(payload, batchCtx), {});
    assert.deepEqual(
      seen.map(([single]) => single),
      ['s1', 's2', 's3'].map((socketId) => ({ socketId, gatewayId: 'gw-1' })),
    );
    assert.deepEqual(seen[0]?.[1], {
      userId: 'ann',
      name: 'Ann',
      role: 'user',
      phone: '+15550100000',
      requestId: 'batch-1',
      socketId: 's1',
      gatewayId: 'gw-1',
    });
    assert.equal(seen[1]?.[1].role, 'admin');
    assert.ok(!('phone' in (seen[1]?.[1] ?? {})), 'no phone claim, no phone field');
  });

  test('a batched open answers each socket in order, a refused one with its code', async () => {
    const handle = answerEachSession(async (single, ctx) => {
      if (ctx.userId === 'bob') throw new AppError('FORBIDDEN', 'no');
      if (ctx.userId === 'cat') throw new Error('connection reset');
      return { rooms: [`r-${single.socketId}`], unread: {} };
    });
    assert.deepEqual(await handle(payload, batchCtx), {
      sessions: [
        { ok: true, rooms: ['r-s1'], unread: {} },
        { ok: false, code: 'FORBIDDEN' },
        { ok: false, code: 'INTERNAL' },
      ],
    });
  });
});
