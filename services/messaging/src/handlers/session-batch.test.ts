import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type RoomCreateResult,
  type RoomsOfUsersResult,
  type SessionEntry,
  type SessionsOpenResult,
  socketRooms,
} from '@switchboard/protocol';
import { type Harness, startHarness } from '../testing/harness.ts';
import type { SessionOpenAnswer } from './session.ts';

const entry = (socketId: string, userId: string, phone?: string): SessionEntry => ({
  socketId,
  userId,
  name: `${userId} name`,
  role: 'user',
  ...(phone ? { phone } : {}),
});

describe('sessions:open (a gateway batch)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('msg_session_batch');
  });
  after(() => h.close());

  const openBatch = (sessions: SessionEntry[]) =>
    h.ask<SessionsOpenResult>('sessions:open', { gatewayId: 'g1', sessions }, h.user('system'));

  test('answers every socket as its own session:open would, in the batch order', async () => {
    const { room: shared } = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'group', memberIds: ['bob', 'cat'] },
      h.user('ann'),
    );
    const { room: pair } = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'group', memberIds: ['cat'] },
      h.user('bob'),
    );
    await h.ask('message:send', { roomId: shared.id, content: 'one' }, h.user('ann'));
    await h.ask('message:send', { roomId: shared.id, content: 'two' }, h.user('ann'));
    await h.ask('message:send', { roomId: pair.id, content: 'three' }, h.user('bob'));

    const sessions = [entry('s1', 'bob'), entry('s2', 'cat'), entry('s3', 'nobody'), entry('s4', 'bob')];
    const batch = await openBatch(sessions);
    // Remembered with the names their tokens carried (before the single opens below rename them).
    const users = await h.database.db.user.findMany({ where: { id: { in: ['bob', 'cat', 'nobody'] } } });
    assert.deepEqual(users.map((u) => u.name).sort(), ['bob name', 'cat name', 'nobody name']);
    const single = await Promise.all(
      sessions.map((s) =>
        h.ask<SessionOpenAnswer>('session:open', { socketId: s.socketId, gatewayId: 'g1' }, h.user(s.userId)),
      ),
    );
    assert.deepEqual(
      batch.sessions,
      single.map((answer) => ({ ok: true, ...answer })),
    );
    assert.deepEqual(batch.sessions[1], {
      ok: true,
      rooms: [shared.id, pair.id],
      unread: { [shared.id]: 2, [pair.id]: 1 },
    });
    assert.deepEqual(batch.sessions[2], { ok: true, rooms: [], unread: {} });
  });

  test('auto-joins an emergency contact once, whichever of its sockets in the batch', async () => {
    const { room } = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'emergency', name: 'Grandpa', emergencyContacts: ['+15550104040'] },
      h.user('grandpa'),
    );
    h.broadcaster.clear();
    const batch = await openBatch([entry('t1', 'niece', '+15550104040'), entry('t2', 'niece', '+15550104040')]);
    for (const answer of batch.sessions)
      assert.deepEqual(answer, { ok: true, rooms: [room.id], unread: { [room.id]: 0 } });
    assert.equal(h.broadcaster.sentTo(socketRooms.user('niece'), 'room:autoJoined').length, 1);
  });

  test('rooms:ofUsers answers each user asked, one in no room with []', async () => {
    const { room } = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['dan'] }, h.user('eve'));
    const { roomIds } = await h.ask<RoomsOfUsersResult>(
      'rooms:ofUsers',
      { userIds: ['dan', 'eve', 'zed'] },
      h.user('presence'),
    );
    assert.deepEqual(roomIds, { dan: [room.id], eve: [room.id], zed: [] });
  });
});
