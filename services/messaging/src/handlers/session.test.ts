import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RoomCreateResult, type RoomJoinResult, socketRooms } from '@switchboard/protocol';
import { normalizePhone } from '@switchboard/runtime';
import { type Harness, rejectsWith, startHarness } from '../testing/harness.ts';
import type { SessionOpenAnswer } from './session.ts';

describe('session:open and emergency contacts', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('msg_session');
  });
  after(() => h.close());

  const open = (userId: string, phone?: string) =>
    h.ask<SessionOpenAnswer>(
      'session:open',
      { socketId: `s-${userId}`, gatewayId: 'g1' },
      h.user(userId, phone ? { phone: normalizePhone(phone)! } : {}),
    );

  test('answers the memberships and stores the user', async () => {
    const { room } = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['uma'] }, h.user('vic'));
    const answer = await open('uma', '+44 20 7946 0000');
    assert.deepEqual(answer.rooms, [room.id]);
    assert.deepEqual(answer.unread, { [room.id]: 0 });
    const user = await h.database.db.user.findUnique({ where: { id: 'uma' } });
    assert.equal(user?.phone, '+442079460000');
  });

  test('a user whose phone is an emergency contact is auto-joined on connect, whatever the formatting', async () => {
    const { room } = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'emergency', name: 'Grandma', emergencyContacts: ['+1 (555) 010-2030', '00 33 1 23 45 67 89'] },
      h.user('grandma'),
    );
    assert.deepEqual(room.emergencyContacts, ['+15550102030', '+33123456789']);
    h.broadcaster.clear();
    const first = await open('son', '+1-555-010-2030');
    const second = await open('daughter', '+33 1 23 45 67 89');
    assert.deepEqual(first.rooms, [room.id]);
    assert.deepEqual(second.rooms, [room.id]);
    const [event] = h.broadcaster.sentTo(socketRooms.user('son'), 'room:autoJoined');
    assert.equal(event?.roomId, room.id);
    assert.equal(event?.reason, 'emergency-contact');
    assert.ok(event?.room.memberIds.includes('son'));
    // Connecting again does not announce it twice.
    await open('son', '+15550102030');
    assert.equal(h.broadcaster.sentTo(socketRooms.user('son'), 'room:autoJoined').length, 1);
    const stranger = await open('stranger', '+1 555 999 0000');
    assert.deepEqual(stranger.rooms, []);
    await rejectsWith(
      h.ask('room:join', { roomId: room.id }, h.user('stranger', { phone: '+15559990000' })),
      'FORBIDDEN',
      'Access denied to this room',
    );
  });

  test('an emergency contact may join an approval room directly', async () => {
    const { room } = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'emergency', approvalRequired: true, emergencyContacts: ['+49 30 123456'] },
      h.user('opa'),
    );
    const ack = await h.ask<RoomJoinResult>(
      'room:join',
      { roomId: room.id },
      h.user('enkel', { phone: '+4930123456' }),
    );
    assert.deepEqual(
      ack.participants.map((p) => p.userId),
      ['opa', 'enkel'],
    );
    await rejectsWith(h.ask('room:join', { roomId: room.id }, h.user('other', { phone: '+4930999999' })), 'FORBIDDEN');
  });

  test('a contact already known when the room is created is joined at once', async () => {
    await open('nurse', '+1 555 777 0001');
    h.broadcaster.clear();
    const { room } = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'emergency', emergencyContacts: ['+15557770001'] },
      h.user('patient'),
    );
    assert.deepEqual(room.memberIds, ['patient', 'nurse']);
    assert.ok(h.broadcaster.joined(socketRooms.user('nurse'), socketRooms.room(room.id)));
    assert.equal(h.broadcaster.sentTo(socketRooms.user('nurse'), 'room:autoJoined')[0]?.reason, 'emergency-contact');
  });

  test('stats:get counts rooms, and rooms not archived', async () => {
    const total = await h.database.db.room.count();
    const stats = await h.ask<{ rooms: number; activeRooms: number }>('stats:get', {}, h.user('gateway'));
    assert.deepEqual(stats, { rooms: total, activeRooms: total });
  });
});
