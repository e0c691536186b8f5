import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger.ts';

test('tokens and secrets never reach the log output', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ service: 'test', format: 'json', destination: sink });
  log.info(
    { auth: { token: 'eyJsecret' }, headers: { authorization: 'Bearer eyJsecret' }, config: { jwtSecret: 's3cret' } },
    'handshake',
  );
  log.flush?.();
  await new Promise((r) => setImmediate(r));
  const out = lines.join('');
  assert.match(out, /"service":"test"/);
  assert.doesNotMatch(out, /eyJsecret|s3cret/);
  assert.match(out, /\[redacted\]/);
});
