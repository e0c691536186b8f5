import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RoomCreateResult } from '@switchboard/protocol';
import { type Harness, startHarness } from '../testing/harness.ts';

describe('room.created webhook event (outbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('messaging_room_webhook', {
      WEBHOOK_URL: 'http://127.0.0.1:9/hooks',
      WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
  });
  after(async () => {
    await h.close();
  });

  test('creating a room writes one room.created event with the room, in the same transaction', async () => {
    const { room } = await h.ask<RoomCreateResult>(
      'room:create',
      { type: 'group', name: 'Ward 3', memberIds: ['bob'] },
      h.user('alice'),
    );
    const events = await h.database.db.webhookEvent.findMany({ where: { type: 'room.created' } });
    assert.equal(events.length, 1);
    const payload = events[0]!.payload as { type: string; data: Record<string, unknown> };
    assert.equal(payload.type, 'room.created');
    assert.deepEqual(payload.data, {
      roomId: room.id,
      type: 'group',
      name: 'Ward 3',
      ownerId: 'alice',
      memberIds: ['alice', 'bob'],
    });
  });

  test('a refused room:create writes no event', async () => {
    await assert.rejects(h.ask('room:create', { type: 'direct', memberIds: [] }, h.user('alice')));
    assert.equal(await h.database.db.webhookEvent.count({ where: { type: 'room.created' } }), 1);
  });
});
