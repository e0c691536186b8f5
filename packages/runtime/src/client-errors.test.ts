import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { answerClientErrorsAsJson, listen } from './http.ts';

test('requests the HTTP parser refuses get the REST contract: 431 for huge URLs, 400 for garbage', async () => {
  const server = answerClientErrorsAsJson(http.createServer((_req, res) => res.end('{}')));
  const port = await listen(server, 0, '127.0.0.1');
  try {
    const huge = await fetch(`http://127.0.0.1:${port}/api/calls?limit=${'x'.repeat(40_000)}`);
    assert.equal(huge.status, 431);
    assert.deepEqual(await huge.json(), {
      success: false,
      code: 'INVALID_PAYLOAD',
      error: 'Request headers or URL are too large',
    });
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 Bad Request/);
    assert.match(raw, /"code":"INVALID_PAYLOAD"/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/ok`)).status, 200, 'the server still serves');
  } finally {
    server.close();
  }
});
