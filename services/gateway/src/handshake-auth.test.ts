import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AUTH_ERRORS, socketRooms } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { connectError, once, startTestGateway, type TestGateway } from './test-harness.ts';

describe('handshake authentication', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ handlers: { messaging: { 'session:open': async () => ({ rooms: [] }) } } });
  });
  after(() => gw.close());

  test('a client without a token is refused with "No token provided"', async () => {
    assert.equal(await connectError(gw.client(undefined)), AUTH_ERRORS.noToken);
  });

  test('a garbage token is refused with "Invalid token"', async () => {
    assert.equal(await connectError(gw.client('not-a-jwt')), AUTH_ERRORS.invalidToken);
  });

  test('a token signed with another secret is refused with "Invalid token"', async () => {
    assert.equal(await connectError(gw.client(signToken('some-other-secret', 'mallory'))), AUTH_ERRORS.invalidToken);
  });

  test('an expired token is refused with "Token expired"', async () => {
    assert.equal(await connectError(gw.client(gw.token('alice', { expiresInSeconds: -10 }))), AUTH_ERRORS.tokenExpired);
  });

  test('a non-string token is refused with "No token provided"', async () => {
    const socket = gw.client(undefined, { auth: { token: 12345 } });
    assert.equal(await connectError(socket), AUTH_ERRORS.noToken);
  });

  test('the token is also accepted from the query string and the Authorization header', async () => {
    const byQuery = gw.client(undefined, { query: { token: gw.token('q-user') } });
    assert.equal((await once(byQuery, 'connected')).userId, 'q-user');
    const byHeader = gw.client(undefined, { extraHeaders: { Authorization: `Bearer ${gw.token('h-user')}` } });
    assert.equal((await once(byHeader, 'connected')).userId, 'h-user');
  });

  test('an authenticated socket is in its user and role rooms', async () => {
    const socket = gw.client(gw.token('bob', { role: 'admin' }));
    const connected = await once(socket, 'connected');
    const serverSocket = gw.gateway.io.of('/').sockets.get(connected.socketId);
    assert.ok(serverSocket);
    assert.ok(serverSocket.rooms.has(socketRooms.user('bob')));
    assert.ok(serverSocket.rooms.has(socketRooms.role('admin')));
  });
});
