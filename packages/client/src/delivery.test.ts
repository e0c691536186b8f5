import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Message } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { DeliveryEngine, type FillResult } from './delivery.ts';

function msg(roomId: string, seq: number, targetUserId?: string): Message {
  return {
    id: `${roomId}-${seq}`,
    roomId,
    seq,
    senderId: 'u1',
    content: `m${seq}`,
    createdAt: new Date(0).toISOString(),
    ...(targetUserId ? { targetUserId } : {}),
  };
}

/** Every engine a test made, closed after it even when an assertion failed (no stray timers). */
const engines: DeliveryEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.close();
});

/** A fake server: the room's messages visible to this user; fills page through them. */
function harness(visible: Record<string, Message[]> = {}, pageSize = 100) {
  const delivered: Message[] = [];
  const fills: Array<{ roomId: string; afterSeq: number }> = [];
  let failNext = 0;
  const engine = new DeliveryEngine({
    gapDelayMs: 5,
    deliver: (m) => delivered.push(m),
    async fetchAfter(roomId, afterSeq): Promise<FillResult> {
      fills.push({ roomId, afterSeq });
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('offline');
      }
      const after = (visible[roomId] ?? []).filter((m) => m.seq > afterSeq);
      return { messages: after.slice(0, pageSize), hasMore: after.length > pageSize };
    },
  });
  engines.push(engine);
  const seqs = (roomId: string) => delivered.filter((m) => m.roomId === roomId).map((m) => m.seq);
  return { engine, delivered, fills, seqs, failTimes: (n: number) => void (failNext = n) };
}

describe('DeliveryEngine', () => {
  test('delivers consecutive messages in order without fetching anything', () => {
    const h = harness();
    for (const seq of [1, 2, 3]) h.engine.receive(msg('r', seq));
    assert.deepEqual(h.seqs('r'), [1, 2, 3]);
    assert.equal(h.engine.cursor('r'), 3);
    assert.equal(h.fills.length, 0);
  });

  test('drops duplicates, whether already delivered or still buffered', () => {
    const h = harness();
    h.engine.receive(msg('r', 1));
    h.engine.receive(msg('r', 1));
    h.engine.receive(msg('r', 3));
    h.engine.receive(msg('r', 3));
    h.engine.receive(msg('r', 2));
    h.engine.receive(msg('r', 2));
    assert.deepEqual(h.seqs('r'), [1, 2, 3]);
  });

  test('buffers a message after a gap and releases it when live messages close the gap', () => {
    const h = harness();
    h.engine.receive(msg('r', 1));
    h.engine.receive(msg('r', 4));
    h.engine.receive(msg('r', 3));
    assert.deepEqual(h.seqs('r'), [1]);
    h.engine.receive(msg('r', 2));
    assert.deepEqual(h.seqs('r'), [1, 2, 3, 4]);
  });

  test('fills a gap the live stream never closes from history after a short delay', async () => {
    const all = [1, 2, 3, 4, 5].map((s) => msg('r', s));
    const h = harness({ r: all });
    h.engine.receive(msg('r', 1));
    h.engine.receive(msg('r', 5));
    await waitFor(() => h.seqs('r').length === 5, { what: 'gap filled' });
    assert.deepEqual(h.seqs('r'), [1, 2, 3, 4, 5]);
    assert.deepEqual(h.fills, [{ roomId: 'r', afterSeq: 1 }]);
  });

  test('skips seqs of private messages addressed to others once a fill shows they are invisible', async () => {
    // Seq 2 and 4 were private to someone else: the server never returns them to this user.
    const visible = [msg('r', 1), msg('r', 3), msg('r', 5, 'me')];
    const h = harness({ r: visible });
    h.engine.receive(msg('r', 1));
    h.engine.receive(msg('r', 3));
    h.engine.receive(msg('r', 5, 'me'));
    await waitFor(() => h.engine.isIdle(), { what: 'engine idle' });
    assert.deepEqual(h.seqs('r'), [1, 3, 5]);
    assert.equal(h.engine.cursor('r'), 5);
  });

  test('an empty fill answer never skips a seq that may still arrive live', () => {
    const h = harness();
    h.engine.receive(msg('r', 1));
    h.engine.receive(msg('r', 3));
    // A stale fill that was issued before seq 2 and 3 existed covers nothing.
    h.engine.applyFill('r', 1, []);
    assert.deepEqual(h.seqs('r'), [1]);
    h.engine.receive(msg('r', 2));
    assert.deepEqual(h.seqs('r'), [1, 2, 3]);
  });

  test('pages through history while hasMore and keeps order across pages', async () => {
    const all = Array.from({ length: 25 }, (_, i) => msg('r', i + 1));
    const h = harness({ r: all }, 10);
    h.engine.fillNow('r');
    await waitFor(() => h.seqs('r').length === 25, { what: 'all pages' });
    assert.deepEqual(
      h.seqs('r'),
      all.map((m) => m.seq),
    );
    assert.deepEqual(
      h.fills.map((f) => f.afterSeq),
      [0, 10, 20],
    );
  });

  test('retries a failed fill and still delivers everything once', async () => {
    const all = [1, 2, 3].map((s) => msg('r', s));
    const h = harness({ r: all });
    h.failTimes(2);
    h.engine.receive(msg('r', 3));
    await waitFor(() => h.seqs('r').length === 3, { what: 'fill after retries' });
    assert.deepEqual(h.seqs('r'), [1, 2, 3]);
    assert.equal(h.fills.length, 3);
  });

  test('keeps rooms independent: a gap in one room does not hold back another', () => {
    const h = harness();
    h.engine.receive(msg('a', 1));
    h.engine.receive(msg('a', 3));
    h.engine.receive(msg('b', 1));
    h.engine.receive(msg('b', 2));
    assert.deepEqual(h.seqs('a'), [1]);
    assert.deepEqual(h.seqs('b'), [1, 2]);
    assert.deepEqual(h.engine.cursors(), { a: 1, b: 2 });
  });

  test('starts a room from a known cursor and ignores what lies before it', () => {
    const engine = new DeliveryEngine({
      deliver: (m) => delivered.push(m.seq),
      fetchAfter: async () => ({ messages: [], hasMore: false }),
      initialCursor: (roomId) => (roomId === 'r' ? 10 : undefined),
    });
    engines.push(engine);
    const delivered: number[] = [];
    engine.receive(msg('r', 9));
    engine.receive(msg('r', 11));
    assert.deepEqual(delivered, [11]);
  });

  test('a throwing app handler neither stops delivery nor repeats a message', () => {
    const seen: number[] = [];
    const errors: unknown[] = [];
    const engine = new DeliveryEngine({
      deliver: (m) => {
        seen.push(m.seq);
        if (m.seq === 1) throw new Error('app bug');
      },
      fetchAfter: async () => ({ messages: [], hasMore: false }),
      onError: (e) => errors.push(e),
    });
    engines.push(engine);
    engine.receive(msg('r', 1));
    engine.receive(msg('r', 2));
    engine.receive(msg('r', 1));
    assert.deepEqual(seen, [1, 2]);
    assert.equal(errors.length, 1);
  });
});
