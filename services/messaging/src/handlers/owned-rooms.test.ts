import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OwnedRoomsResult, RoomCreateResult } from '@switchboard/protocol';
import { normalizePhone } from '@switchboard/runtime';
import { type Harness, startHarness } from '../testing/harness.ts';

describe('rooms:ownedWithContacts', () => {
  let h: Harness;
  const owned = (userId: string) =>
    h.ask<OwnedRoomsResult>('rooms:ownedWithContacts', { userId }, h.user('notification'));

  before(async () => {
    h = await startHarness('msg_owned');
  });
  after(() => h.close());

  test('answers every room the user owns with members and contacts, contacts resolved to known users', async () => {
    // A contact who connected once is a known user with that (normalised) phone.
    const phone = normalizePhone('+44 20 7946 0001')!;
    await h.ask('session:open', { socketId: 's-kim', gatewayId: 'g' }, h.user('kim', { phone }));
    const a = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'emergency', emergencyContacts: ['+44 20 7946 0001', '+44 20 7946 0002'] },
      h.user('ola'),
    );
    const b = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['pia'] }, h.user('ola'));
    await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['ola'] }, h.user('other'));

    const { rooms } = await owned('ola');
    assert.deepEqual(
      rooms.map((r) => r.roomId),
      [a.room.id, b.room.id],
      'only the rooms ola owns, oldest first',
    );
    assert.deepEqual(rooms[0]!.contacts, [{ phone: '+442079460001', userId: 'kim' }, { phone: '+442079460002' }]);
    assert.deepEqual(rooms[0]!.memberIds.sort(), ['kim', 'ola']);
    assert.deepEqual(rooms[1]!.memberIds.sort(), ['ola', 'pia']);
    assert.deepEqual((await owned('nobody')).rooms, []);
  });

  test('a bad user id is INVALID_PAYLOAD', async () => {
    await assert.rejects(h.ask('rooms:ownedWithContacts', { userId: '' }, h.user('notification')), {
      code: 'INVALID_PAYLOAD',
    });
  });
});
