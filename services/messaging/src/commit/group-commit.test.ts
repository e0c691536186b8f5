import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { untypedBus } from '@switchboard/bus';
import type { Message, MessageSendResult, RoomCreateResult } from '@switchboard/protocol';
import { testLogger } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';
import { GroupCommitter } from './group-committer.ts';

async function assertGapless(h: Harness, roomId: string, expected: number): Promise<void> {
  const rows = await h.database.db.message.findMany({
    where: { roomId },
    orderBy: { seq: 'asc' },
    select: { seq: true },
  });
  assert.deepEqual(
    rows.map((r) => r.seq),
    Array.from({ length: expected }, (_, i) => i + 1),
    `room ${roomId} seqs are 1..${expected}`,
  );
  const room = await h.database.db.room.findUniqueOrThrow({ where: { id: roomId } });
  assert.equal(room.lastSeq, expected);
}

describe('group commit', () => {
  let h: Harness;
  let rooms: string[];
  before(async () => {
    h = await startHarness('msg_commit');
    rooms = [];
    for (let i = 0; i < 3; i++) {
      const { room } = await h.ask<RoomCreateResult>(
        'room:create',
        { type: 'group', memberIds: ['bob', 'carol'] },
        h.user('alice'),
      );
      rooms.push(room.id);
    }
  });
  after(() => h.close());

  test('200 concurrent sends across 3 rooms get gapless per-room seqs, each acked once and pushed in seq order', async () => {
    const senders = ['alice', 'bob', 'carol'];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        h.ask<MessageSendResult>('message:send', { roomId: rooms[i % 3], content: `m${i}` }, h.user(senders[i % 3]!)),
      ),
    );
    const perRoom = [67, 67, 66];
    for (const [i, roomId] of rooms.entries()) {
      await assertGapless(h, roomId, perRoom[i]!);
      const acked = results
        .filter((r) => r.message.roomId === roomId)
        .map((r) => r.message.seq)
        .sort((a, b) => a - b);
      assert.deepEqual(
        acked,
        Array.from({ length: perRoom[i]! }, (_, k) => k + 1),
      );
      const pushed = h.broadcaster
        .all('message:new')
        .map((e) => e.data as Message)
        .filter((m) => m.roomId === roomId)
        .map((m) => m.seq);
      assert.deepEqual(pushed, acked, 'pushed once each, in seq order');
    }
  });

  test('the ack, the stored row and the answer to a retry agree: same id, seq, createdAt (UTC) and attachments', async () => {
    const attachments = [{ name: 'a.png', type: 'image/png', size: 3, url: 'https://files.example/a.png' }];
    const payload = { roomId: rooms[2], content: 'with a file', clientMessageId: 'agree-1', attachments };
    const first = await h.ask<MessageSendResult>('message:send', payload, h.user('bob'));
    const retry = await h.ask<MessageSendResult>('message:send', payload, h.user('bob'));
    assert.deepEqual(retry.message, first.message, 'the retry is answered with the first message, field for field');
    const row = await h.database.db.message.findUniqueOrThrow({ where: { id: first.message.id } });
    assert.equal(row.createdAt.toISOString(), first.message.createdAt, 'stored as acked (Prisma reads it as UTC)');
    assert.ok(Math.abs(row.createdAt.getTime() - Date.now()) < 60_000, 'a UTC timestamp of now, not shifted by a zone');
    assert.deepEqual(row.attachments, attachments);
  });

  test('two messaging instances on one database keep seqs gapless and clientMessageId idempotent', async () => {
    const other = await h.startAnother();
    const askOther = (command: string, payload: unknown, userId: string) =>
      untypedBus(other.bus).request('messaging', command, payload, h.user(userId)) as Promise<MessageSendResult>;
    const before = await h.database.db.room.findUniqueOrThrow({ where: { id: rooms[0]! } });
    const sends: Promise<MessageSendResult>[] = [];
    for (let i = 0; i < 150; i++) {
      sends.push(h.ask('message:send', { roomId: rooms[0], content: `one-${i}` }, h.user('alice')));
      sends.push(askOther('message:send', { roomId: rooms[0], content: `two-${i}` }, 'bob'));
    }
    // The same retry reaching both instances at once: one message.
    for (let i = 0; i < 5; i++) {
      sends.push(
        h.ask('message:send', { roomId: rooms[1], content: 'dup', clientMessageId: 'twice' }, h.user('carol')),
      );
      sends.push(askOther('message:send', { roomId: rooms[1], content: 'dup', clientMessageId: 'twice' }, 'carol'));
    }
    const results = await Promise.all(sends);
    await assertGapless(h, rooms[0]!, before.lastSeq + 300);
    const dupIds = new Set(results.filter((r) => r.message.clientMessageId === 'twice').map((r) => r.message.id));
    assert.equal(dupIds.size, 1);
    assert.equal(await h.database.db.message.count({ where: { senderId: 'carol', clientMessageId: 'twice' } }), 1);
    await assertGapless(h, rooms[1]!, 67 + 1);
  });

  test('a failed batch fails every send in it and leaves no gap', async () => {
    const committer = new GroupCommitter({ db: h.database.db, log: testLogger() });
    const roomId = rooms[2]!;
    const start = (await h.database.db.room.findUniqueOrThrow({ where: { id: roomId } })).lastSeq;
    // Postgres refuses NUL in text: the handler never lets one through, so bypass it here.
    const batch = [
      committer.submit({ roomId, senderId: 'alice', content: 'fine' }),
      committer.submit({ roomId, senderId: 'alice', content: 'poison \u0000' }),
      committer.submit({ roomId, senderId: 'bob', content: 'also fine' }),
    ];
    const settled = await Promise.allSettled(batch);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['rejected', 'rejected', 'rejected'],
    );
    for (const s of settled)
      assert.equal(((s as PromiseRejectedResult).reason as { code: string }).code, 'UNAVAILABLE');
    const next = await committer.submit({ roomId, senderId: 'alice', content: 'after' });
    assert.equal(next.message.seq, start + 1);
    await assertGapless(h, roomId, start + 1);
    await committer.close();
    await assert.rejects(committer.submit({ roomId, senderId: 'alice', content: 'late' }), { code: 'UNAVAILABLE' });
  });

  test("a room's batch in flight does not hold back another room's send; the room's next send waits its turn", async () => {
    const committer = new GroupCommitter({ db: h.database.db, log: testLogger() });
    const [held, free] = [rooms[0]!, rooms[1]!];
    const start = (await h.database.db.room.findUniqueOrThrow({ where: { id: held } })).lastSeq;
    // Another transaction holds the room's row: the batch writing to it waits inside Postgres.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = h.database.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Room" WHERE id = ${held} FOR UPDATE`;
        locked();
        await released;
      },
      { timeout: 30_000 },
    );
    await lockTaken;
    const order: string[] = [];
    const first = committer.submit({ roomId: held, senderId: 'alice', content: 'held 1' }).then((r) => {
      order.push('held 1');
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = committer.submit({ roomId: held, senderId: 'bob', content: 'held 2' }).then((r) => {
      order.push('held 2');
      return r;
    });
    const other = await committer.submit({ roomId: free, senderId: 'carol', content: 'not held' });
    order.push('not held');
    assert.ok(other.created, 'the other room committed while the first batch waited on its lock');
    release();
    await holder;
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual(order, ['not held', 'held 1', 'held 2']);
    assert.deepEqual([a.message.seq, b.message.seq], [start + 1, start + 2], 'the held room keeps submission order');
    await assertGapless(h, held, start + 2);
    await committer.close();
  });

  test('a send to a room that vanished fails alone; the rest of its batch commits', async () => {
    const committer = new GroupCommitter({ db: h.database.db, log: testLogger() });
    const [good, bad] = await Promise.allSettled([
      committer.submit({ roomId: rooms[0]!, senderId: 'alice', content: 'ok' }),
      committer.submit({ roomId: 'no-such-room', senderId: 'alice', content: 'lost' }),
    ]);
    assert.equal(good.status, 'fulfilled');
    assert.equal(bad.status, 'rejected');
    assert.equal(((bad as PromiseRejectedResult).reason as { code: string }).code, 'NOT_FOUND');
    await committer.close();
  });
});
