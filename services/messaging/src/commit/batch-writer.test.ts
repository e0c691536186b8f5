// switchboard_commit_batch through writeBatch, where one function call could go wrong: batches of
// two pools (as two processes) on one room, a retry racing its original across connections, a
// batch mixing refusals and stores, a failing batch, a room deleted mid-batch, a session zone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDb, type Db } from '@switchboard/db';
import { createTestDatabase, type TestDatabase, waitFor } from '@switchboard/testkit';
import pg from 'pg';
import { type DraftOutcome, idempotencyKey, type MessageDraft, writeBatch } from './batch-writer.ts';

let database: TestDatabase;
let other: Db;
let spy: pg.Client;
let roomCount = 0;

before(async () => {
  database = await createTestDatabase('batch_writer');
  other = createDb(database.url, { poolSize: 5 });
  // Prisma ends the pool on $disconnect only once it has connected it: `other` is used through `sql` alone.
  await other.$connect();
  spy = new pg.Client({ connectionString: database.url });
  await spy.connect();
});

after(async () => {
  await spy?.end();
  await other?.$disconnect();
  await database?.drop();
});

async function newRoom(members = ['alice', 'bob']): Promise<string> {
  const id = `room-${++roomCount}`;
  await database.db.room.create({ data: { id, type: 'group', ownerId: members[0]! } });
  await database.db.roomMember.createMany({ data: members.map((userId) => ({ roomId: id, userId })) });
  return id;
}

async function seqs(roomId: string): Promise<{ stored: number[]; lastSeq: number }> {
  const rows = await database.db.message.findMany({
    where: { roomId },
    orderBy: { seq: 'asc' },
    select: { seq: true },
  });
  const room = await database.db.room.findUniqueOrThrow({ where: { id: roomId } });
  return { stored: rows.map((r) => r.seq), lastSeq: room.lastSeq };
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function stored(outcome: DraftOutcome | undefined) {
  assert.ok(outcome?.ok, `stored, not ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Waits until `count` other backends of this database wait on a lock of `type` (`advisory`, `tuple`…). */
async function waitersOn(type: string, count: number): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await spy.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE a.datname = current_database() AND NOT l.granted AND l.locktype = $1`,
        [type],
      );
      return rows[0]!.n >= count;
    },
    { timeoutMs: 10_000, what: `${count} waiting on ${type} locks` },
  );
}

describe('writeBatch (switchboard_commit_batch)', () => {
  test('concurrent batches from two pools on one room get unique, gapless seqs', async () => {
    const roomId = await newRoom();
    const batch = (tag: string, size: number): MessageDraft[] =>
      Array.from({ length: size }, (_, i) => ({ roomId, senderId: i % 2 ? 'alice' : 'bob', content: `${tag}-${i}` }));
    const calls: Promise<DraftOutcome[]>[] = [];
    for (let i = 0; i < 20; i++) {
      calls.push(writeBatch(database.db, batch(`a${i}`, 1 + (i % 7))));
      calls.push(writeBatch(other, batch(`b${i}`, 1 + ((i + 3) % 7))));
    }
    const outcomes = (await Promise.all(calls)).flat();
    const acked = outcomes.map((o) => stored(o).message.seq).sort((a, b) => a - b);
    assert.deepEqual(acked, upTo(outcomes.length), 'acked seqs are 1..n, each once');
    assert.deepEqual(await seqs(roomId), { stored: upTo(outcomes.length), lastSeq: outcomes.length });
  });

  test('each batch gets a contiguous block, in draft order within each room', async () => {
    const [a, b] = [await newRoom(), await newRoom()];
    const drafts: MessageDraft[] = [a, b, a, a, b].map((roomId, i) => ({ roomId, senderId: 'alice', content: `${i}` }));
    const outcomes = await writeBatch(database.db, drafts);
    assert.deepEqual(
      outcomes.map((o) => [stored(o).message.roomId, stored(o).message.seq, stored(o).message.content]),
      [
        [a, 1, '0'],
        [b, 1, '1'],
        [a, 2, '2'],
        [a, 3, '3'],
        [b, 2, '4'],
      ],
    );
  });

  test('a retry racing its original on another connection waits and resolves to the same message', async () => {
    const roomId = await newRoom();
    const draft = { roomId, senderId: 'alice', content: 'once', clientMessageId: 'race "1" é\\ ✓' };
    // Hold the key's advisory lock so both calls are inside the function, waiting, before either stores.
    // Locked from the TypeScript key: the function builds the same text (quotes, backslash, non-ASCII too).
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [idempotencyKey(draft)]);
      // One after the other into the lock's queue (Postgres grants it first come, first served),
      // so the first call is the one that stores: issued together, either may queue first.
      const first = writeBatch(database.db, [draft, { roomId, senderId: 'bob', content: 'beside it' }]);
      await waitersOn('advisory', 1);
      const second = writeBatch(other, [{ ...draft, content: 'a retry says something else' }]);
      await waitersOn('advisory', 2);
      await holder.query('COMMIT');
      const [[one, beside], [two]] = await Promise.all([first, second]);
      const [a, b] = [stored(one), stored(two)];
      assert.equal(a.message.id, b.message.id);
      assert.deepEqual(a.message, b.message, 'both answered with the stored message, field for field');
      assert.equal(a.message.content, 'once');
      assert.deepEqual([a.created, b.created].sort(), [false, true], 'one stored it, the other found it');
      assert.equal(stored(beside).created, true);
      assert.deepEqual(await seqs(roomId), { stored: [1, 2], lastSeq: 2 }, 'the retry took no seq');
    } finally {
      await holder.end();
    }
  });

  test('a batch mixing refusals, retries and new messages refuses each alone and stores the rest without gaps', async () => {
    const [roomId, second] = [await newRoom(['alice', 'bob']), await newRoom(['alice'])];
    const [earlier] = await writeBatch(database.db, [
      { roomId, senderId: 'alice', content: 'first', clientMessageId: 'mix-1' },
    ]);
    const outcomes = await writeBatch(database.db, [
      { roomId: 'no-such-room', senderId: 'alice', content: 'nowhere' },
      { roomId, senderId: 'alice', content: 'a', clientMessageId: 'mix-2' },
      { roomId, senderId: 'mallory', content: 'not a member' },
      { roomId, senderId: 'alice', content: 'again', clientMessageId: 'mix-1' },
      { roomId, senderId: 'alice', content: 'psst', targetUserId: 'carol' },
      {
        roomId: second,
        senderId: 'alice',
        content: 'b',
        attachments: [{ name: 'x', type: 'text/plain', size: 1, url: 'https://files.example/x' }],
      },
      { roomId, senderId: 'bob', content: 'psst back', targetUserId: 'alice' },
    ]);
    assert.deepEqual(outcomes[0], { ok: false, code: 'NOT_FOUND', error: 'Room not found' });
    assert.equal(stored(outcomes[1]).message.seq, 2);
    assert.deepEqual(outcomes[2], { ok: false, code: 'FORBIDDEN', error: 'Access denied to this room' });
    assert.deepEqual(stored(outcomes[3]), { ...stored(earlier), created: false }, 'the retry gets the first message');
    assert.equal(outcomes[4]?.ok, false);
    assert.equal(!outcomes[4]?.ok && outcomes[4]?.code, 'INVALID_PAYLOAD');
    assert.deepEqual(stored(outcomes[5]).message.attachments?.[0]?.name, 'x');
    assert.equal(stored(outcomes[5]).message.seq, 1);
    assert.deepEqual([stored(outcomes[6]).message.seq, stored(outcomes[6]).message.targetUserId], [3, 'alice']);
    assert.deepEqual(await seqs(roomId), { stored: [1, 2, 3], lastSeq: 3 });
    const row = await database.db.message.findUniqueOrThrow({ where: { id: stored(outcomes[5]).message.id } });
    assert.deepEqual(row.attachments, stored(outcomes[5]).message.attachments);
  });

  test('a batch that fails stores nothing and takes no seq, in any of its rooms', async () => {
    const [a, b] = [await newRoom(), await newRoom()];
    await writeBatch(database.db, [{ roomId: a, senderId: 'alice', content: 'before' }]);
    // Postgres refuses NUL in text (the handlers never let one through).
    await assert.rejects(
      writeBatch(database.db, [
        { roomId: a, senderId: 'alice', content: 'fine' },
        { roomId: b, senderId: 'bob', content: 'fine too', clientMessageId: 'fail-1' },
        { roomId: b, senderId: 'bob', content: 'poison \u0000' },
      ]),
    );
    assert.deepEqual(await seqs(a), { stored: [1], lastSeq: 1 });
    assert.deepEqual(await seqs(b), { stored: [], lastSeq: 0 });
    const [next] = await writeBatch(database.db, [
      { roomId: b, senderId: 'bob', content: 'fine too', clientMessageId: 'fail-1' },
    ]);
    assert.deepEqual([stored(next).message.seq, stored(next).created], [1, true], 'the retry stores it now');
  });

  test('a room deleted while the batch waits for its row comes back not found; the batch commits the rest', async () => {
    const [doomed, kept] = [await newRoom(), await newRoom()];
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Room" WHERE id = $1 FOR UPDATE', [doomed]);
      const writing = writeBatch(database.db, [
        { roomId: kept, senderId: 'alice', content: 'stays' },
        { roomId: doomed, senderId: 'alice', content: 'lost' },
      ]);
      await waitersOn('transactionid', 1);
      await holder.query('DELETE FROM "Room" WHERE id = $1', [doomed]);
      await holder.query('COMMIT');
      const [keptOutcome, doomedOutcome] = await writing;
      assert.equal(stored(keptOutcome).message.seq, 1);
      assert.deepEqual(doomedOutcome, { ok: false, code: 'NOT_FOUND', error: 'Room not found' });
      assert.deepEqual(await seqs(kept), { stored: [1], lastSeq: 1 });
    } finally {
      await holder.end();
    }
  });

  test('createdAt is stored, acked and answered to a retry as the same UTC instant under a non-UTC session zone', async () => {
    const url = new URL(database.url);
    url.searchParams.set('options', '-c TimeZone=America/New_York');
    const zoned = createDb(url.toString(), { poolSize: 1 });
    await zoned.$connect();
    try {
      const roomId = await newRoom();
      const draft = { roomId, senderId: 'alice', content: 'when', clientMessageId: 'tz-1' };
      const before = Date.now();
      const [first] = await writeBatch(zoned, [draft]);
      const [retry] = await writeBatch(zoned, [draft]);
      const acked = stored(first).message.createdAt;
      assert.equal(stored(retry).message.createdAt, acked);
      const row = await database.db.message.findUniqueOrThrow({ where: { id: stored(first).message.id } });
      assert.equal(row.createdAt.toISOString(), acked, 'stored as acked (Prisma reads the column as UTC)');
      assert.ok(Math.abs(new Date(acked).getTime() - before) < 60_000, 'now, not shifted by the zone');
      const zone = await zoned.$queryRaw<{ zone: string }[]>`SELECT current_setting('TimeZone') AS zone`;
      assert.equal(zone[0]?.zone, 'America/New_York', 'the session really ran in another zone');
    } finally {
      await zoned.$disconnect();
    }
  });
});
