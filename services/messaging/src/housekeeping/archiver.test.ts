import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { handleStandIns, MemoryBus } from '@switchboard/bus';
import type { RoomCreateResult } from '@switchboard/protocol';
import { prismaWatchedDb, testLogger } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';
import { RoomArchiver } from './archiver.ts';

// Long enough that a freshly created room is never "inactive", however slow the machine is.
const ARCHIVE_AFTER_MS = 60_000;

describe('room archiving', () => {
  let h: Harness;
  let archiver: RoomArchiver;
  const online = new Set<string>();
  before(async () => {
    h = await startHarness('msg_archive', { ROOM_ARCHIVE_AFTER_MS: String(60 * 60_000) });
    await handleStandIns(h.bus, {
      presence: {
        'presence:get': async ({ userIds }) => ({
          presences: userIds.map((userId) => ({
            userId,
            status: online.has(userId) ? 'online' : 'offline',
            lastSeen: new Date().toISOString(),
          })),
        }),
      },
    });
    // Driven by hand (runOnce) so the test does not depend on timer timing.
    archiver = new RoomArchiver(
      { db: h.database.db, bus: h.bus, log: testLogger() },
      { archiveAfterMs: ARCHIVE_AFTER_MS },
    );
  });
  after(() => h.close());

  const createRoom = async (memberIds: string[]) =>
    (await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds }, h.user('alice'))).room.id;
  const age = (roomId: string) =>
    h.database.db.room.update({
      where: { id: roomId },
      data: { lastActivityAt: new Date(Date.now() - 10 * ARCHIVE_AFTER_MS) },
    });
  const archivedAt = async (roomId: string) =>
    (await h.database.db.room.findUniqueOrThrow({ where: { id: roomId } })).archivedAt;

  test('a pass that finds nothing to archive runs no Prisma statement (an idle service never loads Prisma)', async () => {
    await createRoom(['bob']);
    const { db, prismaStatements } = prismaWatchedDb(h.database.url);
    try {
      const idle = new RoomArchiver({ db, bus: h.bus, log: testLogger() }, { archiveAfterMs: ARCHIVE_AFTER_MS });
      assert.equal(await idle.runOnce(), 0);
      assert.deepEqual(prismaStatements, []);
    } finally {
      await db.$disconnect();
    }
  });

  test('an inactive room with nobody online is archived and keeps its messages; a send revives it', async () => {
    const roomId = await createRoom(['bob']);
    await h.ask('message:send', { roomId, content: 'before' }, h.user('alice'));
    await age(roomId);
    assert.ok((await archiver.runOnce()) >= 1);
    assert.ok(await archivedAt(roomId));
    assert.equal(await h.database.db.message.count({ where: { roomId } }), 1);
    const { message } = await h.ask<{ message: { seq: number } }>(
      'message:send',
      { roomId, content: 'after' },
      h.user('bob'),
    );
    assert.equal(message.seq, 2);
    assert.equal(await archivedAt(roomId), null);
  });

  test('a join or the next session:open revives an archived room', async () => {
    const joined = await createRoom(['eve']);
    const member = await createRoom(['dora']);
    await age(joined);
    await age(member);
    await archiver.runOnce();
    assert.ok(await archivedAt(joined));
    assert.ok(await archivedAt(member));
    await h.ask('room:join', { roomId: joined }, h.user('eve'));
    assert.equal(await archivedAt(joined), null);
    const open = await h.ask<{ rooms: string[] }>('session:open', { socketId: 's', gatewayId: 'g' }, h.user('dora'));
    assert.ok(open.rooms.includes(member));
    assert.equal(await archivedAt(member), null);
  });

  test('rooms with a member online, or recently active, stay', async () => {
    const busy = await createRoom(['fred']);
    const recent = await createRoom([]);
    await age(busy);
    online.add('fred');
    await archiver.runOnce();
    assert.equal(await archivedAt(busy), null);
    assert.equal(await archivedAt(recent), null);
    online.delete('fred');
  });

  test('when presence does not answer, nothing is archived', async () => {
    const roomId = await createRoom([]);
    await age(roomId);
    const blind = new RoomArchiver(
      { db: h.database.db, bus: new MemoryBus({ timeoutMs: 50 }), log: testLogger() },
      { archiveAfterMs: ARCHIVE_AFTER_MS },
    );
    assert.equal(await blind.runOnce(), 0);
    assert.equal(await archivedAt(roomId), null);
  });

  test('the timer archives by itself and stops on stop()', async () => {
    const roomId = await createRoom([]);
    await age(roomId);
    const timed = new RoomArchiver(
      { db: h.database.db, bus: h.bus, log: testLogger() },
      { archiveAfterMs: ARCHIVE_AFTER_MS, intervalMs: 20 },
    );
    timed.start();
    try {
      await waitUntil(async () => (await archivedAt(roomId)) !== null);
    } finally {
      await timed.stop();
    }
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
