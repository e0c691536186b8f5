import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type RoomCreateResult,
  type RoomJoinResult,
  type RoomParticipantsResult,
  socketRooms,
} from '@switchboard/protocol';
import { type Harness, rejectsWith, startHarness } from '../testing/harness.ts';

describe('rooms', () => {
  let h: Harness;
  const online = new Set<string>();
  before(async () => {
    h = await startHarness('msg_rooms');
    await h.bus.handle('presence', {
      'presence:get': async (payload) => {
        const { userIds } = payload as { userIds: string[] };
        return {
          presences: userIds.map((userId) => ({
            userId,
            status: online.has(userId) ? 'online' : 'offline',
            lastSeen: new Date().toISOString(),
          })),
        };
      },
    });
  });
  after(() => h.close());

  const create = (userId: string, payload: object) => h.ask<RoomCreateResult>('room:create', payload, h.user(userId));

  test('room:create makes the creator owner, adds members, gives a random url-safe id and moves their sockets in', async () => {
    const { room } = await create('alice', { type: 'group', name: 'Team', memberIds: ['bob', 'alice', 'bob'] });
    const { room: other } = await create('alice', { type: 'group' });
    assert.match(room.id, /^[A-Za-z0-9_-]{22,}$/);
    assert.notEqual(room.id, other.id);
    assert.equal(room.ownerId, 'alice');
    assert.deepEqual(room.memberIds, ['alice', 'bob']);
    assert.equal(room.lastSeq, 0);
    assert.ok(h.broadcaster.joined(socketRooms.user('bob'), socketRooms.room(room.id)));
    assert.ok(h.broadcaster.joined(socketRooms.user('alice'), socketRooms.room(room.id)));
    const autoJoined = h.broadcaster.sentTo(socketRooms.user('bob'), 'room:autoJoined');
    assert.ok(autoJoined.some((e) => e.roomId === room.id && e.reason === 'member'));
  });

  test('a direct room needs exactly one other member', async () => {
    await rejectsWith(
      create('alice', { type: 'direct', memberIds: ['bob', 'carol'] }),
      'INVALID_PAYLOAD',
      /^memberIds: /,
    );
    await rejectsWith(create('alice', { type: 'direct', memberIds: ['alice'] }), 'INVALID_PAYLOAD', /^memberIds: /);
  });

  test('one direct room per pair, whoever creates it and even when both create at once', async () => {
    const [a, b] = await Promise.all([
      create('dana', { type: 'direct', memberIds: ['erin'] }),
      create('erin', { type: 'direct', memberIds: ['dana'] }),
    ]);
    const again = await create('dana', { type: 'direct', memberIds: ['erin'] });
    assert.equal(a.room.id, b.room.id);
    assert.equal(again.room.id, a.room.id);
    assert.deepEqual([...a.room.memberIds].sort(), ['dana', 'erin']);
    assert.equal(await h.database.db.room.count({ where: { type: 'direct', ownerId: { in: ['dana', 'erin'] } } }), 1);
    await h.ask('room:leave', { roomId: a.room.id }, h.user('erin'));
    const reopened = await create('erin', { type: 'direct', memberIds: ['dana'] });
    assert.equal(reopened.room.id, a.room.id);
    assert.deepEqual([...reopened.room.memberIds].sort(), ['dana', 'erin'], 'the one who left is back');
  });

  test('an invalid emergency contact is refused, naming the field', async () => {
    await rejectsWith(
      create('alice', { type: 'emergency', emergencyContacts: ['+1 555 010 2030', 'call me'] }),
      'INVALID_PAYLOAD',
      'emergencyContacts.1: is not a phone number',
    );
  });

  test('an invalid payload is refused with INVALID_PAYLOAD naming the field', async () => {
    await rejectsWith(create('alice', { type: 'party' }), 'INVALID_PAYLOAD', /^type: /);
    await rejectsWith(
      h.ask('room:join', ['not', 'an', 'object'], h.user('alice')),
      'INVALID_PAYLOAD',
      'Payload must be an object',
    );
    await rejectsWith(
      h.ask('room:join', { roomId: 'a\u0000b' }, h.user('alice')),
      'INVALID_PAYLOAD',
      'roomId: must not contain NUL characters',
    );
  });

  test('joining an unknown room is NOT_FOUND', async () => {
    await rejectsWith(h.ask('room:join', { roomId: 'nope' }, h.user('alice')), 'NOT_FOUND', 'Room not found');
  });

  test('a member re-joining gets participants and unread count, and nothing is announced again', async () => {
    const { room } = await create('alice', { type: 'group', memberIds: ['frank'] });
    h.broadcaster.clear();
    await h.ask('session:open', { socketId: 's-frank', gatewayId: 'g' }, h.user('frank'));
    const ack = await h.ask<RoomJoinResult & { unreadCount: number }>(
      'room:join',
      { roomId: room.id },
      h.user('frank'),
    );
    await h.ask('room:join', { roomId: room.id }, h.user('frank'));
    assert.equal(ack.roomId, room.id);
    assert.deepEqual(ack.participants.map((p) => p.userId).sort(), ['alice', 'frank']);
    assert.equal(ack.unreadCount, 0);
    assert.equal(h.broadcaster.sentTo(socketRooms.room(room.id), 'room:userJoined').length, 0);
    assert.ok(h.broadcaster.joined(socketRooms.user('frank'), socketRooms.room(room.id)));
  });

  test('every room type is members-only: FORBIDDEN for others, fine for members', async () => {
    for (const type of ['group', 'topic', 'emergency', 'visit']) {
      const { room } = await create('alice', { type, memberIds: ['bob'] });
      await rejectsWith(
        h.ask('room:join', { roomId: room.id }, h.user('mallory')),
        'FORBIDDEN',
        'Access denied to this room',
      );
      const ack = await h.ask<RoomJoinResult>('room:join', { roomId: room.id }, h.user('bob'));
      assert.equal(ack.roomId, room.id);
    }
    const { room } = await create('alice', { type: 'direct', memberIds: ['zoe'] });
    await rejectsWith(
      h.ask('room:join', { roomId: room.id }, h.user('mallory')),
      'FORBIDDEN',
      'Access denied to this room',
    );
  });

  test('an approval room refuses a direct join with FORBIDDEN', async () => {
    const { room } = await create('alice', { type: 'group', approvalRequired: true });
    await rejectsWith(h.ask('room:join', { roomId: room.id }, h.user('frank')), 'FORBIDDEN', /requestJoin/);
  });

  test('room:leave removes the membership, moves sockets out and tells the room', async () => {
    const { room } = await create('alice', { type: 'group', memberIds: ['bob'] });
    h.broadcaster.clear();
    assert.deepEqual(await h.ask('room:leave', { roomId: room.id }, h.user('bob')), {});
    assert.ok(h.broadcaster.left(socketRooms.user('bob'), socketRooms.room(room.id)));
    assert.deepEqual(
      h.broadcaster.sentTo(socketRooms.room(room.id), 'room:userLeft').map((e) => e.userId),
      ['bob'],
    );
    await rejectsWith(
      h.ask('room:participants', { roomId: room.id }, h.user('bob')),
      'FORBIDDEN',
      'Access denied to this room',
    );
    await rejectsWith(h.ask('room:leave', { roomId: 'nope' }, h.user('bob')), 'NOT_FOUND', 'Room not found');
  });

  test('room:participants lists members with names, roles and online from presence', async () => {
    await h.ask('session:open', { socketId: 's1', gatewayId: 'g1' }, h.user('gina', { name: 'Gina G' }));
    const { room } = await create('gina', { type: 'group', memberIds: ['hank'] });
    online.add('gina');
    const { participants } = await h.ask<RoomParticipantsResult>(
      'room:participants',
      { roomId: room.id },
      h.user('hank'),
    );
    assert.deepEqual(participants, [
      { userId: 'gina', name: 'Gina G', role: 'owner', online: true },
      { userId: 'hank', name: 'hank', role: 'member', online: false },
    ]);
    await rejectsWith(
      h.ask('room:participants', { roomId: room.id }, h.user('mallory')),
      'FORBIDDEN',
      'Access denied to this room',
    );
  });
});

describe('rooms without presence', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('msg_rooms_np');
  });
  after(() => h.close());

  test('participants are all offline when presence does not answer', async () => {
    const { room } = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'group', memberIds: ['bob'] },
      h.user('alice'),
    );
    const { participants } = await h.ask<RoomParticipantsResult>(
      'room:participants',
      { roomId: room.id },
      h.user('alice'),
    );
    assert.deepEqual(
      participants.map((p) => [p.userId, p.online]),
      [
        ['alice', false],
        ['bob', false],
      ],
    );
  });
});
