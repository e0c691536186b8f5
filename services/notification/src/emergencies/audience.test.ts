import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Principal } from '@switchboard/protocol';
import {
  type AlertAccess,
  alertedRooms,
  audienceOf,
  isAudience,
  mayAcknowledge,
  mayResolve,
  maySee,
} from './audience.ts';

const who = (userId: string, extra: Partial<Principal> = {}): Principal => ({
  userId,
  name: userId,
  role: 'user',
  ...extra,
});

describe('alert audience', () => {
  const rooms = [
    { roomId: 'home', memberIds: ['ola', 'kim'], contacts: [{ phone: '+1555', userId: 'kim' }, { phone: '+1666' }] },
    {
      roomId: 'work',
      memberIds: ['ola', 'pia'],
      contacts: [
        { phone: '+1555', userId: 'kim' },
        { phone: '+1777', userId: 'ola' },
      ],
    },
  ];

  test('contacts and members of every owned room, deduplicated, never the user', () => {
    const audience = audienceOf('ola', rooms);
    assert.deepEqual(audience.activatedRooms, ['home', 'work']);
    assert.deepEqual(audience.contactPhones, ['+1555', '+1666', '+1777']);
    assert.deepEqual(
      audience.contactUserIds,
      ['kim'],
      'the user listed as a contact of their own room is not notified',
    );
    assert.deepEqual(audience.audienceUserIds.sort(), ['kim', 'pia']);
    assert.deepEqual(audienceOf('ola', []), {
      activatedRooms: [],
      contactPhones: [],
      contactUserIds: [],
      audienceUserIds: [],
    });
  });

  const alert: AlertAccess & { activatedRooms: string[] } = {
    userId: 'ola',
    contactPhones: ['+1666'],
    audienceUserIds: ['pia'],
    reachedRoles: ['supervisor'],
    acknowledgedBy: null,
    activatedRooms: ['home'],
  };

  test('the audience: contacts by phone, members by id, reached roles and admins; not strangers', () => {
    assert.equal(isAudience(alert, who('x', { phone: '+1666' })), true);
    assert.equal(isAudience(alert, who('pia')), true);
    assert.equal(isAudience(alert, who('sam', { role: 'supervisor' })), true);
    assert.equal(isAudience(alert, who('root', { role: 'admin' })), true);
    assert.equal(isAudience(alert, who('eve', { phone: '+1999' })), false);
    assert.equal(isAudience(alert, who('guard', { role: 'guard' })), false, 'a role the alert has not reached');
  });

  test('the user sees and resolves but does not acknowledge; the acknowledger resolves; others do not', () => {
    assert.deepEqual(
      [maySee(alert, who('ola')), mayAcknowledge(alert, who('ola')), mayResolve(alert, who('ola'))],
      [true, false, true],
    );
    assert.deepEqual([mayAcknowledge(alert, who('pia')), mayResolve(alert, who('pia'))], [true, false]);
    const acknowledged = { ...alert, acknowledgedBy: 'pia' };
    assert.equal(mayResolve(acknowledged, who('pia')), true);
    assert.equal(mayResolve(acknowledged, who('root', { role: 'admin' })), true);
    assert.equal(maySee(alert, who('eve')), false);
  });

  test('everyone alerted is one list of rooms: the alert room, the user, rooms, phones, roles', () => {
    assert.deepEqual(alertedRooms(alert), ['alert:ola', 'user:ola', 'room:home', 'phone:+1666', 'role:supervisor']);
  });
});
