// Token lifetime on live sockets: `connected.expiresAt`, `auth:refresh` (same user, new claims,
// new expiry), `auth:expired` and the disconnect at `exp`. Real clients, a real gateway.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AUTH_ERRORS, AUTH_REFRESH_OTHER_USER, type RequestContext, socketRooms } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { sleep, waitFor } from '@switchboard/testkit';
import { once, request, startTestGateway, type TestClient, type TestGateway, testMessage } from './test-harness.ts';

const WAIT = { timeoutMs: 15_000 };

describe('token lifetime', () => {
  let gw: TestGateway;
  const seenRoles: string[] = [];

  before(async () => {
    gw = await startTestGateway({
      handlers: {
        messaging: {
          'session:open': async () => ({ rooms: [] }),
          'message:send': async (_payload, ctx: RequestContext) => {
            seenRoles.push(ctx.role);
            return { message: testMessage({ senderId: ctx.userId }) };
          },
        },
      },
    });
  });
  after(() => gw.close());

  const connect = async (token: string): Promise<{ client: TestClient; connected: { expiresAt?: string | null } }> => {
    const client = gw.client(token);
    const connected = await once(client, 'connected');
    return { client, connected };
  };
  const serverSocket = (client: TestClient) => gw.gateway.io.of('/').sockets.get(client.id ?? '');
  const expSeconds = (token: string) =>
    (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp;

  test('connected carries the expiry of the token the socket was opened with', async () => {
    const token = gw.token('exp-reader', { expiresInSeconds: 600 });
    const { connected } = await connect(token);
    assert.equal(connected.expiresAt, new Date(expSeconds(token) * 1000).toISOString());
  });

  test('a socket whose token expires unrefreshed gets auth:expired, then the server disconnects it', async () => {
    const { client } = await connect(gw.token('short-lived', { expiresInSeconds: 2 }));
    const expired = once(client, 'auth:expired');
    const reason = new Promise<string>((resolve) => client.once('disconnect', resolve));
    const { expiredAt } = await expired;
    assert.ok(Date.parse(expiredAt) <= Date.now(), 'announced once exp has passed');
    assert.equal(await reason, 'io server disconnect');
  });

  test('auth:refresh with a later token of the same user moves the deadline and answers the new expiry', async () => {
    const { client } = await connect(gw.token('refresher', { expiresInSeconds: 2 }));
    const expiredEvents: unknown[] = [];
    client.on('auth:expired', (e) => expiredEvents.push(e));
    const next = gw.token('refresher', { expiresInSeconds: 5 });
    const ack = await request(client, 'auth:refresh', { token: next });
    assert.deepEqual(ack, { success: true, expiresAt: new Date(expSeconds(next) * 1000).toISOString() });

    // Well past the first token's exp (and an expiry tick), the socket is still served.
    await sleep(3500);
    assert.equal(client.connected, true, 'not cut off at the old exp');
    assert.deepEqual(expiredEvents, []);
    assert.equal((await request(client, 'message:send', { roomId: 'r1', content: 'still here' })).success, true);
    // And the new deadline holds.
    await waitFor(() => expiredEvents.length === 1 && !client.connected, { ...WAIT, what: 'the new exp to cut it' });
  });

  test('refusals keep the socket and its old token: another user, a bad or expired token, a bad payload', async () => {
    const { client } = await connect(gw.token('keeper', { expiresInSeconds: 600 }));
    const cases: [unknown, Record<string, unknown>][] = [
      [{ token: gw.token('someone-else') }, { success: false, code: 'FORBIDDEN', error: AUTH_REFRESH_OTHER_USER }],
      [
        { token: signToken('another-secret', 'keeper') },
        { success: false, code: 'UNAUTHENTICATED', error: AUTH_ERRORS.invalidToken },
      ],
      [
        { token: gw.token('keeper', { expiresInSeconds: -10 }) },
        { success: false, code: 'UNAUTHENTICATED', error: AUTH_ERRORS.tokenExpired },
      ],
      [{ token: 'not.a.jwt' }, { success: false, code: 'UNAUTHENTICATED', error: AUTH_ERRORS.invalidToken }],
      [
        {},
        { success: false, code: 'INVALID_PAYLOAD', error: 'token: Invalid input: expected string, received undefined' },
      ],
      ['a string', { success: false, code: 'INVALID_PAYLOAD', error: 'Payload must be an object' }],
      [{ token: 'x'.repeat(9000) }, { success: false, code: 'INVALID_PAYLOAD', error: 'token: is too long' }],
    ];
    for (const [payload, expected] of cases) {
      assert.deepEqual(await request(client, 'auth:refresh', payload), expected, JSON.stringify(payload).slice(0, 80));
    }
    assert.equal(serverSocket(client)?.data.principal.userId, 'keeper');
    assert.equal((await request(client, 'message:send', { roomId: 'r1', content: 'unharmed' })).success, true);
  });

  test('a role change takes effect at refresh: role rooms, admin room and the role later requests carry', async () => {
    const { client } = await connect(gw.token('promoted', { role: 'user' }));
    const socket = serverSocket(client);
    assert.ok(socket?.rooms.has(socketRooms.role('user')));
    assert.equal(socket?.rooms.has(socketRooms.admin('promoted')), false);

    const ack = await request(client, 'auth:refresh', { token: gw.token('promoted', { role: 'admin', name: 'Boss' }) });
    assert.equal(ack.success, true, JSON.stringify(ack));
    assert.equal(socket?.rooms.has(socketRooms.role('user')), false, 'left role:user');
    assert.ok(socket?.rooms.has(socketRooms.role('admin')), 'joined role:admin');
    assert.ok(socket?.rooms.has(socketRooms.admin('promoted')), 'joined admin:{id}');
    assert.ok(socket?.rooms.has(socketRooms.user('promoted')), 'still in user:{id}');
    assert.deepEqual(socket?.data.principal, { userId: 'promoted', name: 'Boss', role: 'admin' });

    seenRoles.length = 0;
    await request(client, 'message:send', { roomId: 'r1', content: 'as admin' });
    assert.deepEqual(seenRoles, ['admin'], 'the next request carries the new role');
    const toAdmins = once(client, 'server:shutdown');
    gw.gateway.io.to(socketRooms.role('admin')).emit('server:shutdown', { serverId: 'probe', reconnectInMs: 0 });
    assert.equal((await toAdmins).serverId, 'probe', 'role:admin broadcasts now reach it');

    await request(client, 'auth:refresh', { token: gw.token('promoted', { role: 'user' }) });
    assert.equal(socket?.rooms.has(socketRooms.admin('promoted')), false, 'demoted: out of admin:{id}');
    assert.ok(socket?.rooms.has(socketRooms.role('user')));
  });
});
