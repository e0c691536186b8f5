import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AT_CAPACITY, maxConnections, openFileLimit } from './capacity-limit.ts';
import { connectError, once, startTestGateway, type TestClient, type TestGateway } from './test-harness.ts';

const LIMIT = 3;

describe('gateway capacity (MAX_CONNECTIONS)', () => {
  let gw: TestGateway;
  const clients: TestClient[] = [];
  before(async () => {
    gw = await startTestGateway({
      env: { MAX_CONNECTIONS: String(LIMIT) },
      handlers: { messaging: { 'session:open': async () => ({ rooms: [] }) } },
    });
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await gw.close();
  });

  test('past the limit a handshake gets an honest connect_error, and a freed slot is usable again', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const client = gw.client(gw.token(`full-${i}`));
      clients.push(client);
      await once(client, 'connected');
    }
    const refused = gw.client(gw.token('one-too-many'));
    assert.equal(await connectError(refused), AT_CAPACITY);
    refused.disconnect();
    assert.match(await gw.metrics.registry.metrics(), /switchboard_guard_total\{[^}]*guard="capacity"[^}]*\} [1-9]/);

    clients.shift()!.disconnect();
    // The server notices the close asynchronously: retry until the freed slot is taken.
    let outcome = AT_CAPACITY;
    for (let attempt = 0; attempt < 50 && outcome === AT_CAPACITY; attempt++) {
      const next = gw.client(gw.token(`after-${attempt}`));
      outcome = await new Promise<string>((resolve) => {
        next.once('connect', () => resolve('connected'));
        next.once('connect_error', (err) => resolve(err.message));
      });
      if (outcome === 'connected') clients.push(next);
      else {
        next.disconnect();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.equal(outcome, 'connected');
  });

  test('without MAX_CONNECTIONS the bound is the open-file limit minus a reserve', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                20000                files\n';
    assert.equal(openFileLimit(limits), 20000);
    assert.equal(
      openFileLimit('Max open files            unlimited            unlimited            files\n'),
      undefined,
    );
    assert.equal(maxConnections(undefined, 20000), 19744);
    assert.equal(maxConnections(500, 20000), 500);
    assert.equal(maxConnections(undefined, undefined), Number.POSITIVE_INFINITY);
  });
});
