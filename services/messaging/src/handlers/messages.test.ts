import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type MessageHistoryResult,
  type MessageSendResult,
  type RoomCreateResult,
  type SyncResult,
  socketRooms,
} from '@switchboard/protocol';
import { type Harness, rejectsWith, startHarness } from '../testing/harness.ts';

describe('messages', () => {
  let h: Harness;
  let roomId: string;
  before(async () => {
    h = await startHarness('msg_messages');
    ({
      room: { id: roomId },
    } = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['bob', 'carol'] }, h.user('alice')));
  });
  after(() => h.close());

  const send = (userId: string, payload: object) =>
    h.ask<MessageSendResult>('message:send', { roomId, ...payload }, h.user(userId));

  test('a message gets the next seq, is acked after commit and pushed to the room as message:new', async () => {
    const { message } = await send('alice', { content: 'hello' });
    assert.equal(message.seq, 1);
    assert.equal(message.senderId, 'alice');
    assert.equal(message.content, 'hello');
    assert.ok(await h.database.db.message.findUnique({ where: { id: message.id } }), 'stored before the ack');
    assert.deepEqual(h.broadcaster.sentTo(socketRooms.room(roomId), 'message:new'), [message]);
    const second = await send('bob', { content: 'hi' });
    assert.equal(second.message.seq, 2);
  });

  test('non-members are FORBIDDEN, unknown rooms NOT_FOUND, empty content INVALID_PAYLOAD', async () => {
    await rejectsWith(send('mallory', { content: 'x' }), 'FORBIDDEN', 'Access denied to this room');
    await rejectsWith(
      h.ask('message:send', { roomId: 'nope', content: 'x' }, h.user('alice')),
      'NOT_FOUND',
      'Room not found',
    );
    await rejectsWith(send('alice', { content: '   ' }), 'INVALID_PAYLOAD', 'Message content is required');
    await rejectsWith(
      send('alice', { content: 'a\u0000b' }),
      'INVALID_PAYLOAD',
      'content: must not contain NUL characters',
    );
    await rejectsWith(send('alice', { content: 'x', targetUserId: 'mallory' }), 'INVALID_PAYLOAD', /^targetUserId: /);
    await rejectsWith(
      h.ask('message:history', { roomId }, h.user('mallory')),
      'FORBIDDEN',
      'Access denied to this room',
    );
  });

  test('attachments are stored as metadata and returned', async () => {
    const attachments = [{ name: 'x-ray.png', type: 'image/png', size: 12345, url: 'https://files.example/x-ray.png' }];
    const { message } = await send('alice', { content: 'see attached', attachments });
    assert.deepEqual(message.attachments, attachments);
    const { messages } = await h.ask<MessageHistoryResult>(
      'message:history',
      { roomId, afterSeq: message.seq - 1, limit: 1 },
      h.user('bob'),
    );
    assert.deepEqual(messages[0]?.attachments, attachments);
  });

  test('a repeated clientMessageId returns the first message, stored once, even when sent concurrently', async () => {
    const sends = Array.from({ length: 20 }, (_, i) =>
      send('carol', { content: `attempt ${i}`, clientMessageId: 'c-1' }),
    );
    const results = await Promise.all(sends);
    const ids = new Set(results.map((r) => r.message.id));
    assert.equal(ids.size, 1);
    const later = await send('carol', { content: 'retry much later', clientMessageId: 'c-1' });
    assert.equal(later.message.id, results[0]!.message.id);
    assert.equal(await h.database.db.message.count({ where: { senderId: 'carol', clientMessageId: 'c-1' } }), 1);
    assert.equal(
      h.broadcaster.all('message:new').filter((e) => (e.data as { clientMessageId?: string }).clientMessageId === 'c-1')
        .length,
      1,
    );
    // Another sender may use the same clientMessageId.
    const bobs = await send('bob', { content: 'mine', clientMessageId: 'c-1' });
    assert.notEqual(bobs.message.id, later.message.id);
  });

  test('private messages reach sender and target only, in pushes, history and sync', async () => {
    h.broadcaster.clear();
    const { message } = await send('alice', { content: 'psst bob', targetUserId: 'bob' });
    const pushes = h.broadcaster.all('message:new');
    assert.equal(pushes.length, 1);
    assert.deepEqual([...pushes[0]!.targets].sort(), [socketRooms.user('alice'), socketRooms.user('bob')]);
    const historyOf = async (userId: string) =>
      (await h.ask<MessageHistoryResult>('message:history', { roomId }, h.user(userId))).messages.map((m) => m.id);
    assert.ok((await historyOf('alice')).includes(message.id));
    assert.ok((await historyOf('bob')).includes(message.id));
    assert.ok(!(await historyOf('carol')).includes(message.id));
    const syncOf = async (userId: string) =>
      (await h.ask<SyncResult>('sync', { rooms: { [roomId]: 0 } }, h.user(userId))).messages.map((m) => m.id);
    assert.ok((await syncOf('bob')).includes(message.id));
    assert.ok(!(await syncOf('carol')).includes(message.id));
  });
});

describe('history, receipts and unread', () => {
  let h: Harness;
  let roomId: string;
  before(async () => {
    h = await startHarness('msg_history');
    ({
      room: { id: roomId },
    } = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['bob'] }, h.user('alice')));
    for (let i = 1; i <= 12; i++)
      await h.ask('message:send', { roomId, content: `m${i}` }, h.user(i % 3 === 0 ? 'bob' : 'alice'));
  });
  after(() => h.close());

  const history = (payload: object) =>
    h.ask<MessageHistoryResult>('message:history', { roomId, ...payload }, h.user('bob'));
  const seqs = (r: MessageHistoryResult) => r.messages.map((m) => m.seq);

  test('history pages backwards from the newest and from beforeSeq, ascending, with hasMore', async () => {
    const latest = await history({ limit: 5 });
    assert.deepEqual(seqs(latest), [8, 9, 10, 11, 12]);
    assert.equal(latest.hasMore, true);
    const older = await history({ beforeSeq: 8, limit: 5 });
    assert.deepEqual(seqs(older), [3, 4, 5, 6, 7]);
    const oldest = await history({ beforeSeq: 3, limit: 5 });
    assert.deepEqual(seqs(oldest), [1, 2]);
    assert.equal(oldest.hasMore, false);
    assert.equal(seqs(await history({})).length, 12);
  });

  test('history pages forwards from afterSeq', async () => {
    const page = await history({ afterSeq: 4, limit: 5 });
    assert.deepEqual(seqs(page), [5, 6, 7, 8, 9]);
    assert.equal(page.hasMore, true);
    const last = await history({ afterSeq: 9, limit: 5 });
    assert.deepEqual(seqs(last), [10, 11, 12]);
    assert.equal(last.hasMore, false);
  });

  test('unread counts messages after the read cursor not sent by the member', async () => {
    const open = await h.ask<{ unread: Record<string, number> }>(
      'session:open',
      { socketId: 's', gatewayId: 'g' },
      h.user('bob'),
    );
    assert.equal(open.unread[roomId], 8); // 12 messages, 4 of them bob's own
  });

  test('read and delivered are cursors that only move forward and are broadcast to the room', async () => {
    h.broadcaster.clear();
    await h.ask('message:read', { roomId, seq: 10 }, h.user('bob'));
    await h.ask('message:read', { roomId, seq: 4 }, h.user('bob'));
    await h.ask('message:delivered', { roomId, seq: 2 }, h.user('bob'));
    const member = await h.database.db.roomMember.findUnique({ where: { roomId_userId: { roomId, userId: 'bob' } } });
    assert.equal(member?.readSeq, 10);
    assert.equal(member?.deliveredSeq, 10, 'reading implies delivery');
    assert.deepEqual(h.broadcaster.sentTo(socketRooms.room(roomId), 'message:read'), [
      { roomId, userId: 'bob', seq: 10 },
    ]);
    assert.deepEqual(h.broadcaster.sentTo(socketRooms.room(roomId), 'message:delivered'), []);
    const join = await h.ask<{ unreadCount: number }>('room:join', { roomId }, h.user('bob'));
    assert.equal(join.unreadCount, 1); // 11 (alice); 12 is bob's
    await h.ask('message:delivered', { roomId, seq: 99 }, h.user('alice'));
    assert.deepEqual(
      h.broadcaster.sentTo(socketRooms.room(roomId), 'message:delivered'),
      [{ roomId, userId: 'alice', seq: 12 }],
      'clamped to the last seq',
    );
    await rejectsWith(
      h.ask('message:read', { roomId, seq: 1 }, h.user('mallory')),
      'FORBIDDEN',
      'Access denied to this room',
    );
  });
});
