import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { once, startTestGateway, type TestClient, type TestGateway } from './test-harness.ts';

const LIMIT = 2;

describe('sessions being opened are bounded (MAX_OPENING_SESSIONS)', () => {
  let gw: TestGateway;
  let release: () => void = () => undefined;
  const messagingAnswers = new Promise<void>((resolve) => (release = resolve));
  const clients: TestClient[] = [];
  const client = (userId: string) => {
    const socket = gw.client(gw.token(userId));
    clients.push(socket);
    return socket;
  };
  const handshake = (socket: TestClient) =>
    new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connect'));
      socket.once('connect_error', (err) => resolve(`connect_error: ${err.message}`));
    });
  const refusals = async () => {
    const text = await gw.metrics.registry.metrics();
    return Number(/switchboard_guard_total\{[^}]*guard="opening_sessions"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  before(async () => {
    gw = await startTestGateway({
      env: { MAX_OPENING_SESSIONS: String(LIMIT), BUS_TIMEOUT_MS: '30000' },
      // Messaging is slow: every session waits for it until the test lets it answer.
      handlers: { messaging: { 'session:open': async () => messagingAnswers.then(() => ({ rooms: [] })) } },
    });
  });
  after(async () => {
    release();
    for (const socket of clients) socket.disconnect();
    await gw.close();
  });

  test('past the bound a handshake is refused at the HTTP level; once messaging answers, handshakes pass again', async () => {
    const first = [client('a'), client('b')];
    const firstConnected = first.map((socket) => once(socket, 'connected'));
    assert.deepEqual(await Promise.all(first.map(handshake)), ['connect', 'connect']);

    const waiting = client('c');
    assert.match(await handshake(waiting), /^connect_error/);
    assert.equal(await refusals(), 1, 'refused by the bound, not by anything else');

    release();
    await Promise.all(firstConnected);
    const later = client('d');
    const laterConnected = once(later, 'connected');
    assert.equal(await handshake(later), 'connect');
    await laterConnected;
  });
});
