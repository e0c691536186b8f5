import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '@switchboard/bus';
import type { RoomCreateResult, SyncResult } from '@switchboard/protocol';
import { createMetrics } from '@switchboard/runtime';
import { RecordingBroadcaster, testLogger } from '@switchboard/testkit';
import { GroupCommitter } from '../commit/group-committer.ts';
import { type Harness, startHarness } from '../testing/harness.ts';
import { syncHandlers } from './sync.ts';

describe('sync', () => {
  let h: Harness;
  let a: string;
  let b: string;
  let secret: string;
  before(async () => {
    h = await startHarness('msg_sync');
    ({
      room: { id: a },
    } = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['bob'] }, h.user('alice')));
    ({
      room: { id: b },
    } = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['bob'] }, h.user('alice')));
    ({
      room: { id: secret },
    } = await h.ask<RoomCreateResult>('room:create', { type: 'group' }, h.user('alice')));
    for (let i = 0; i < 5; i++) {
      await h.ask('message:send', { roomId: a, content: `a${i}` }, h.user('alice'));
      await h.ask('message:send', { roomId: b, content: `b${i}` }, h.user('alice'));
      await h.ask('message:send', { roomId: secret, content: `s${i}` }, h.user('alice'));
    }
  });
  after(() => h.close());

  test('returns everything after each cursor for member rooms and skips the others silently', async () => {
    const { messages, hasMore } = await h.ask<SyncResult>(
      'sync',
      { rooms: { [a]: 3, [b]: 0, [secret]: 0, unknown: 0 } },
      h.user('bob'),
    );
    const got = messages.map((m) => `${m.roomId === a ? 'a' : 'b'}${m.seq}`).sort();
    assert.deepEqual(got, ['a4', 'a5', 'b1', 'b2', 'b3', 'b4', 'b5'].sort());
    assert.ok(!messages.some((m) => m.roomId === secret));
    assert.equal(hasMore, false);
  });

  test('is capped, says hasMore, and continuing from the new cursors gets the rest', async () => {
    const db = h.database.db;
    const deps = {
      db,
      bus: new MemoryBus(),
      broadcaster: new RecordingBroadcaster(),
      log: testLogger(),
      committer: new GroupCommitter({ db, log: testLogger(), metrics: createMetrics('t') }),
    };
    const sync = syncHandlers(deps, 4).sync;
    const ctx = h.user('bob');
    const first = (await sync({ rooms: { [a]: 0, [b]: 0 } }, ctx)) as SyncResult;
    assert.equal(first.messages.length, 4);
    assert.equal(first.hasMore, true);
    const cursors: Record<string, number> = { [a]: 0, [b]: 0 };
    const seen = [...first.messages];
    for (const m of first.messages) cursors[m.roomId] = Math.max(cursors[m.roomId]!, m.seq);
    for (let round = 0; round < 5; round++) {
      const next = (await sync({ rooms: cursors }, ctx)) as SyncResult;
      seen.push(...next.messages);
      for (const m of next.messages) cursors[m.roomId] = Math.max(cursors[m.roomId]!, m.seq);
      if (!next.hasMore) break;
    }
    assert.equal(seen.length, 10);
    assert.equal(new Set(seen.map((m) => m.id)).size, 10);
  });
});
