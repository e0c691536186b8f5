// The SDK keeps a live socket's token fresh through getToken(): ahead of expiry with auth:refresh,
// and with a reconnect after the server's auth:expired. A real gateway, real sockets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@switchboard/testkit';
import { startTestGateway, type TestGateway } from '../../../services/gateway/src/test-harness.ts';
import { createClient, refreshLeadMs, type SwitchboardClient } from './index.ts';

const WAIT = { timeoutMs: 20_000 };

describe('SDK token refresh', () => {
  let gw: TestGateway;
  const clients: SwitchboardClient[] = [];
  before(async () => {
    gw = await startTestGateway({ handlers: { messaging: { 'session:open': async () => ({ rooms: [] }) } } });
  });
  after(async () => {
    for (const client of clients) client.close();
    await gw.close();
  });

  const start = (getToken: () => string) => {
    const client = createClient({ url: gw.url, getToken, socketOptions: { reconnectionDelay: 100 } });
    clients.push(client);
    let connections = 0;
    const expired: unknown[] = [];
    client.on('connected', () => connections++);
    client.on('auth:expired', (e) => expired.push(e));
    return { client, connections: () => connections, expired };
  };

  test('the lead before expiry is a tenth of the lifetime, between 2 s and 60 s', () => {
    assert.equal(refreshLeadMs(4_000), 2_000);
    assert.equal(refreshLeadMs(300_000), 30_000);
    assert.equal(refreshLeadMs(86_400_000), 60_000);
  });

  test('refreshes ahead of expiry on the same socket: never cut off, the expiry moves on', async () => {
    let calls = 0;
    const { client, connections, expired } = start(() => {
      calls++;
      return gw.token('fresh-user', { expiresInSeconds: 4 });
    });
    await client.synced();
    const first = client.tokenExpiresAt;
    assert.ok(first, 'the SDK knows the expiry from connected');
    // Past the first token's exp: refreshed (at least once) on the same connection.
    await waitFor(
      () => (client.tokenExpiresAt?.getTime() ?? 0) > first.getTime() && Date.now() > first.getTime() + 1500,
      {
        ...WAIT,
        what: 'a refresh and the first exp to pass',
      },
    );
    assert.ok(calls >= 2, `getToken called ${calls} times`);
    assert.equal(connections(), 1, 'no reconnect was needed');
    assert.deepEqual(expired, []);
    assert.equal(client.socket.connected, true);
  });

  test("after the server's auth:expired it reconnects with getToken's next token", async () => {
    // getToken has nothing newer until the first token expired: refreshing cannot help.
    const stale = gw.token('late-user', { expiresInSeconds: 3 });
    const staleExp = (JSON.parse(Buffer.from(stale.split('.')[1] ?? '', 'base64url').toString()) as { exp: number })
      .exp;
    const { client, connections, expired } = start(() =>
      Date.now() < staleExp * 1000 ? stale : gw.token('late-user', { expiresInSeconds: 600 }),
    );
    await client.synced();
    await waitFor(() => connections() === 2, { ...WAIT, what: 'the reconnect after auth:expired' });
    assert.equal(expired.length, 1);
    await client.synced();
    assert.ok((client.tokenExpiresAt?.getTime() ?? 0) > Date.now() + 60_000, 'the new token is in use');
  });

  test('refreshToken() refreshes on demand and answers the new expiry', async () => {
    let lifetime = 600;
    const { client } = start(() => gw.token('manual-user', { expiresInSeconds: lifetime }));
    await client.synced();
    lifetime = 7200;
    const next = await client.refreshToken();
    assert.ok(next && next.getTime() > Date.now() + 3_600_000);
    assert.equal(client.tokenExpiresAt?.getTime(), next.getTime());
  });
});
