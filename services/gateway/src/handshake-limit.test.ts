import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AUTH_ERRORS } from '@switchboard/protocol';
import { HANDSHAKE_LIMITED } from './handshake-limit.ts';
import { connectError, once, startTestGateway, type TestGateway } from './test-harness.ts';

const LIMIT = 3;

describe('handshake limit per client address', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      env: { HANDSHAKE_LIMIT_PER_IP: String(LIMIT) },
      handlers: { messaging: { 'session:open': async () => ({ rooms: [] }) } },
    });
  });
  after(() => gw.close());

  /** Attempts from one address until one is refused; the limit is counted in 10 s windows. */
  async function attemptUntilRefused(headers: Record<string, string>, token: (i: number) => string | undefined) {
    let accepted = 0;
    for (let i = 0; i < 2 * LIMIT + 1; i++) {
      const client = gw.client(token(i), { extraHeaders: headers, transports: ['polling'] });
      const outcome = await new Promise<string>((resolve) => {
        client.once('connect', () => resolve('connected'));
        client.once('connect_error', (err) => resolve(err.message));
      });
      client.disconnect();
      if (outcome === HANDSHAKE_LIMITED) return { accepted, refusal: outcome };
      accepted += 1;
    }
    return { accepted, refusal: undefined };
  }

  test('past the limit a handshake is refused with an honest connect_error; other addresses are not', async () => {
    // Behind a trusted proxy (loopback here) the client is the address X-Forwarded-For names.
    const flood = { 'x-forwarded-for': '203.0.113.7' };
    const { accepted, refusal } = await attemptUntilRefused(flood, (i) => gw.token(`flooder-${i}`));
    assert.equal(refusal, HANDSHAKE_LIMITED);
    // One window boundary may fall between the attempts, hence up to twice the limit.
    assert.ok(accepted >= LIMIT && accepted <= 2 * LIMIT, `accepted ${accepted} before the refusal`);

    const neighbour = gw.client(gw.token('neighbour'), {
      extraHeaders: { 'x-forwarded-for': '203.0.113.8' },
      transports: ['polling'],
    });
    await once(neighbour, 'connected');
  });

  test('handshakes with bad tokens count too (they are limited before the token is checked)', async () => {
    const headers = { 'x-forwarded-for': '198.51.100.4' };
    const { accepted, refusal } = await attemptUntilRefused(headers, () => 'not-a-jwt');
    assert.equal(refusal, HANDSHAKE_LIMITED);
    assert.ok(accepted >= LIMIT, 'the first ones were refused for their token instead');
    const bad = gw.client('not-a-jwt', { extraHeaders: { 'x-forwarded-for': '198.51.100.5' } });
    assert.equal(await connectError(bad), AUTH_ERRORS.invalidToken);
  });
});
