import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  INTERNAL_COMMANDS,
  type MessageSendResult,
  REQUESTS,
  type RequestName,
  type RoomCreateResult,
} from '@switchboard/protocol';
import { type Harness, startHarness } from './testing/harness.ts';

describe('messaging service', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('msg_service');
  });
  after(() => h.close());

  test('answers every request the protocol assigns to messaging, and its internal commands', async () => {
    const owned = (Object.keys(REQUESTS) as RequestName[]).filter((name) => REQUESTS[name].service === 'messaging');
    const commands = [...owned, INTERNAL_COMMANDS.sessionOpen, INTERNAL_COMMANDS.roomsOfUser];
    assert.ok(owned.length >= 12);
    for (const command of commands) {
      // An empty payload is invalid for all of them: the handler exists and validates it.
      await assert.rejects(h.ask(command, {}, h.user('alice')), { code: 'INVALID_PAYLOAD' }, command);
    }
  });

  test("one sender's unawaited burst keeps its order in seq", async () => {
    const { room } = await h.ask<RoomCreateResult>('room:create', { type: 'group' }, h.user('alice'));
    const sends = Array.from({ length: 50 }, (_, i) =>
      h.ask<MessageSendResult>('message:send', { roomId: room.id, content: String(i) }, h.user('alice')),
    );
    const results = await Promise.all(sends);
    assert.deepEqual(
      results.map((r) => r.message.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  test('close() flushes sends already accepted before it returns', async () => {
    const other = await h.startAnother();
    const { room } = await h.ask<RoomCreateResult>('room:create', { type: 'group' }, h.user('alice'));
    const sends = Array.from({ length: 30 }, (_, i) =>
      other.bus.request<MessageSendResult>(
        'messaging',
        'message:send',
        { roomId: room.id, content: `late ${i}` },
        h.user('alice'),
      ),
    );
    await new Promise((r) => setImmediate(r)); // let the bus hand them to the handlers
    await other.service.close();
    assert.equal(await h.database.db.message.count({ where: { roomId: room.id } }), 30, 'stored when close() returns');
    const results = await Promise.all(sends);
    assert.equal(results.length, 30);
  });
});
