import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { corsOption, originAllowed, parseOriginPolicy } from './cors.ts';
import { startTestGateway, type TestGateway } from './test-harness.ts';

const req = (origin: string | undefined, host = 'chat.example.com') => ({ headers: { origin, host } });

describe('CORS_ORIGINS', () => {
  test('"*" allows any origin', () => {
    const policy = parseOriginPolicy('*');
    assert.equal(originAllowed(policy, req('https://evil.example')), true);
    assert.deepEqual(corsOption(policy)?.origin, true);
  });

  test('a list allows exactly its origins (trailing slashes and spaces ignored)', () => {
    const policy = parseOriginPolicy(' https://app.example.com/ , http://localhost:5173');
    assert.equal(originAllowed(policy, req('https://app.example.com')), true);
    assert.equal(originAllowed(policy, req('http://localhost:5173')), true);
    assert.equal(originAllowed(policy, req('https://app.example.com.evil.example')), false);
    assert.deepEqual(corsOption(policy)?.origin, ['https://app.example.com', 'http://localhost:5173']);
  });

  test('unset means same-origin only, and no CORS headers', () => {
    const policy = parseOriginPolicy(undefined);
    assert.equal(originAllowed(policy, req('https://chat.example.com')), true);
    assert.equal(originAllowed(policy, req('https://other.example.com')), false);
    assert.equal(originAllowed(policy, req('not a url')), false);
    assert.equal(corsOption(policy), undefined);
  });

  test('requests without an Origin (native apps, servers) always pass', () => {
    assert.equal(originAllowed(parseOriginPolicy('https://app.example.com'), req(undefined)), true);
    assert.equal(originAllowed(parseOriginPolicy(''), req(undefined)), true);
  });
});

describe('CORS at the gateway', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ env: { CORS_ORIGINS: 'https://app.example.com' } });
  });
  after(() => gw.close());

  const handshake = (origin: string) => fetch(`${gw.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });

  test('an allowed origin gets a session and the CORS header', async () => {
    const res = await handshake('https://app.example.com');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
    await res.text();
  });

  test('another origin is refused', async () => {
    const res = await handshake('https://evil.example');
    assert.notEqual(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    await res.text();
  });
});
