import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AUTH_ERRORS } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { once, request, startTestGateway, type TestClient, type TestGateway, testMessage } from './test-harness.ts';

describe('graceful shutdown', () => {
  let gw: TestGateway;
  let releaseSlow: (() => void) | undefined;

  before(async () => {
    gw = await startTestGateway({
      env: { SHUTDOWN_GRACE_MS: '200' },
      handlers: {
        messaging: {
          'session:open': async () => ({ rooms: [] }),
          // Answers only when the test says so: a request still in flight when shutdown starts.
          'message:send': () =>
            new Promise((resolve) => (releaseSlow = () => resolve({ message: testMessage({ id: 'slow' }) }))),
        },
      },
    });
  });
  after(() => gw.close());

  test('announces server:shutdown, answers in-flight requests, closes every socket so clients reconnect', async () => {
    const clients: TestClient[] = [
      gw.client(gw.token('ws'), { transports: ['websocket'] }),
      gw.client(gw.token('polling'), { transports: ['polling'] }),
      gw.client(gw.token('upgraded')),
    ];
    await Promise.all(clients.map((c) => once(c, 'connected')));
    const shutdowns = clients.map((c) => once(c, 'server:shutdown'));
    const reasons = clients.map((c) => new Promise<string>((resolve) => c.once('disconnect', resolve)));
    const pendingAck = request(clients[0]!, 'message:send', { roomId: 'r1', content: 'in flight' });
    const release = await waitFor(() => releaseSlow, { what: 'the slow request to reach its handler' });

    const closing = gw.gateway.close();
    assert.equal(gw.gateway.isAccepting(), false);
    for (const announcement of await Promise.all(shutdowns)) {
      assert.equal(announcement.serverId, 'gw-test');
      assert.ok(announcement.reconnectInMs >= 0 && announcement.reconnectInMs <= 200);
    }
    release();
    assert.deepEqual(await pendingAck, { success: true, message: testMessage({ id: 'slow' }) });
    // A transport closed (or, for a polling client caught between two polls, failed) rather than
    // "io server disconnect": socket.io-client stays active and reconnects on its own.
    for (const reason of await Promise.all(reasons)) assert.match(reason, /^transport (close|error)$/);
    for (const client of clients) assert.equal(client.active, true, 'the client would reconnect');
    await closing;
    assert.equal(gw.gateway.io.of('/').sockets.size, 0);
    assert.equal(gw.httpServer.listening, true, 'the caller owns the http server');
  });

  test('a draining gateway refuses new handshakes at the HTTP level, so clients retry', async () => {
    const socket = gw.client(gw.token('late'));
    const message = await new Promise<string>((resolve) => socket.once('connect_error', (err) => resolve(err.message)));
    assert.ok(!(Object.values(AUTH_ERRORS) as string[]).includes(message), `refused with ${message}`);
    assert.equal(socket.connected, false);
  });
});
