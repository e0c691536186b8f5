import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type Message, type RoomCreateResult, socketRooms } from '@switchboard/protocol';
import { createHttpApp, createMetrics, finishHttpApp, listen } from '@switchboard/runtime';
import { testLogger } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';

describe('POST /api/messages', () => {
  let h: Harness;
  let server: http.Server;
  let url: string;
  let roomId: string;
  before(async () => {
    h = await startHarness('msg_rest');
    const log = testLogger();
    const metrics = createMetrics('messaging');
    const app = createHttpApp({ log, metrics });
    app.use('/api', h.service.router!);
    finishHttpApp(app, log, metrics);
    server = http.createServer(app);
    const port = await listen(server, 0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/api/messages`;
    ({
      room: { id: roomId },
    } = await h.ask<RoomCreateResult>('room:create', { type: 'group', memberIds: ['backend'] }, h.user('alice')));
  });
  after(async () => {
    server.close();
    await h.close();
  });

  const post = (body: unknown, token?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  test('a member posts: 201 with the stored message, pushed like message:send', async () => {
    const res = await post(
      { roomId, content: 'from the backend', clientMessageId: 'b-1' },
      h.token('backend', { name: 'Backend' }),
    );
    assert.equal(res.status, 201);
    const body = (await res.json()) as { success: boolean; message: Message };
    assert.equal(body.success, true);
    assert.equal(body.message.seq, 1);
    assert.equal(body.message.senderId, 'backend');
    assert.deepEqual(h.broadcaster.sentTo(socketRooms.room(roomId), 'message:new'), [body.message]);
    assert.equal(
      (await h.database.db.user.findUnique({ where: { id: 'backend' } }))?.name,
      'Backend',
      'the caller is remembered from the token',
    );
    const again = (await (
      await post({ roomId, content: 'retry', clientMessageId: 'b-1' }, h.token('backend'))
    ).json()) as { message: Message };
    assert.equal(again.message.id, body.message.id);
  });

  test('401 without a token or with a bad one', async () => {
    const none = await post({ roomId, content: 'x' });
    assert.equal(none.status, 401);
    assert.deepEqual(await none.json(), { success: false, code: 'UNAUTHENTICATED', error: 'Missing bearer token' });
    const bad = await post({ roomId, content: 'x' }, 'not.a.jwt');
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { code: string }).code, 'UNAUTHENTICATED');
  });

  test('400 naming the bad field', async () => {
    const res = await post({ roomId, content: 42 }, h.token('backend'));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; error: string };
    assert.equal(body.code, 'INVALID_PAYLOAD');
    assert.match(body.error, /content/i);
    const noRoom = await post({ content: 'x' }, h.token('backend'));
    assert.equal(noRoom.status, 400);
    assert.match(((await noRoom.json()) as { error: string }).error, /^roomId: /);
    assert.equal((await post('[1,2]', h.token('backend'))).status, 400);
  });

  test('403 for a non-member, 404 for an unknown room', async () => {
    const res = await post({ roomId, content: 'x' }, h.token('mallory'));
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { success: false, code: 'FORBIDDEN', error: 'Access denied to this room' });
    assert.equal((await post({ roomId: 'nope', content: 'x' }, h.token('backend'))).status, 404);
  });
});
