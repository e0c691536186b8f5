import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RoomCreateResult, type RoomsOfUserResult, socketRooms } from '@switchboard/protocol';
import { type Harness, rejectsWith, startHarness } from '../testing/harness.ts';

describe('join approval', () => {
  let h: Harness;
  let roomId: string;
  before(async () => {
    h = await startHarness('msg_approval');
    ({
      room: { id: roomId },
    } = await h.ask<RoomCreateResult>('room:create', { type: 'group', approvalRequired: true }, h.user('owner')));
  });
  after(() => h.close());

  test('a request reaches the owner as room:joinRequested', async () => {
    assert.deepEqual(await h.ask('room:requestJoin', { roomId }, h.user('rita', { name: 'Rita' })), {});
    assert.deepEqual(h.broadcaster.sentTo(socketRooms.user('owner'), 'room:joinRequested'), [
      { roomId, userId: 'rita', name: 'Rita' },
    ]);
  });

  test('only the owner or an admin decides', async () => {
    await rejectsWith(
      h.ask('room:approveJoin', { roomId, userId: 'rita' }, h.user('rita')),
      'FORBIDDEN',
      'Access denied to this room',
    );
    await rejectsWith(
      h.ask('room:denyJoin', { roomId, userId: 'rita' }, h.user('stranger')),
      'FORBIDDEN',
      'Access denied to this room',
    );
  });

  test('approval adds the member, moves their sockets in and tells them and the room', async () => {
    h.broadcaster.clear();
    await h.ask('room:approveJoin', { roomId, userId: 'rita' }, h.user('owner'));
    assert.deepEqual(h.broadcaster.sentTo(socketRooms.user('rita'), 'room:joinApproved'), [{ roomId, userId: 'rita' }]);
    assert.ok(h.broadcaster.joined(socketRooms.user('rita'), socketRooms.room(roomId)));
    assert.deepEqual(
      h.broadcaster.sentTo(socketRooms.room(roomId), 'room:userJoined').map((e) => e.userId),
      ['rita'],
    );
    const { roomIds } = await h.ask<RoomsOfUserResult>('rooms:ofUser', { userId: 'rita' }, h.user('presence'));
    assert.deepEqual(roomIds, [roomId]);
    await h.ask('message:send', { roomId, content: 'hi, I am in' }, h.user('rita'));
  });

  test('a decision needs a pending request: NOT_FOUND otherwise', async () => {
    await rejectsWith(
      h.ask('room:approveJoin', { roomId, userId: 'rita' }, h.user('owner')),
      'NOT_FOUND',
      'Join request not found',
    );
  });

  test('an admin may deny; the requester hears room:joinDenied and stays out', async () => {
    await h.ask('room:requestJoin', { roomId }, h.user('sam'));
    await h.ask('room:denyJoin', { roomId, userId: 'sam' }, h.user('root', { role: 'admin' }));
    assert.deepEqual(h.broadcaster.sentTo(socketRooms.user('sam'), 'room:joinDenied'), [{ roomId, userId: 'sam' }]);
    await rejectsWith(
      h.ask('message:send', { roomId, content: 'let me in' }, h.user('sam')),
      'FORBIDDEN',
      'Access denied to this room',
    );
  });

  test('requesting to join an unknown room is NOT_FOUND', async () => {
    await rejectsWith(h.ask('room:requestJoin', { roomId: 'nope' }, h.user('sam')), 'NOT_FOUND', 'Room not found');
  });
});
