import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RoomCreateResult, UsersSharingRoomResult } from '@switchboard/protocol';
import { type Harness, startHarness } from '../testing/harness.ts';

describe('users:sharingRoom', () => {
  let h: Harness;
  const sharing = async (userId: string, candidates: string[]) =>
    (
      await h.ask<UsersSharingRoomResult>('users:sharingRoom', { userId, candidates }, h.user('presence'))
    ).userIds.sort();

  before(async () => {
    h = await startHarness('msg_sharing');
  });
  after(() => h.close());

  test('answers the candidates that share a room with the user, never the user, strangers or unknown ids', async () => {
    await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['bea', 'cem'] }, h.user('ada'));
    await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['dev'] }, h.user('cem'));
    assert.deepEqual(await sharing('ada', ['bea', 'cem', 'dev', 'ada', 'nobody']), ['bea', 'cem']);
    assert.deepEqual(await sharing('cem', ['ada', 'bea', 'dev', 'dev']), ['ada', 'bea', 'dev']);
    assert.deepEqual(await sharing('dev', ['ada', 'bea']), [], 'dev shares a room with cem only');
    assert.deepEqual(await sharing('nobody', ['ada']), []);
    assert.deepEqual(await sharing('ada', []), []);
  });

  test('leaving the last shared room ends it', async () => {
    const { room } = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['fay'] }, h.user('eli'));
    assert.deepEqual(await sharing('eli', ['fay']), ['fay']);
    await h.ask('room:leave', { roomId: room.id }, h.user('fay'));
    assert.deepEqual(await sharing('eli', ['fay']), []);
  });

  test('500 candidates are one request; more, or a bad id, is INVALID_PAYLOAD', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `crowd-${i}`);
    await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: many.slice(0, 100) }, h.user('host'));
    assert.equal((await sharing('host', many)).length, 100);
    await assert.rejects(
      h.ask('users:sharingRoom', { userId: 'host', candidates: [...many, 'one-more'] }, h.user('presence')),
      { code: 'INVALID_PAYLOAD' },
    );
    await assert.rejects(h.ask('users:sharingRoom', { userId: 'host', candidates: [42] }, h.user('presence')), {
      code: 'INVALID_PAYLOAD',
    });
  });
});
