import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { createAppServer, KEEP_ALIVE_TIMEOUT_MS, listen } from './http.ts';

/** GET on the agent's kept-alive connection; resolves with the client-side port it went out on. */
function get(port: number, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      const { port: localPort } = res.socket.address() as AddressInfo;
      res.resume();
      res.on('end', () => resolve(localPort));
    });
    req.on('error', reject);
  });
}

// nginx keeps idle upstream connections 60 s and reuses them; Node's default closes them after 5 s
// (seen here: still open at 5.5 s, closed by 6.5 s).
test("an idle keep-alive connection outlives Node's default 5 s, so the proxy closes it first", async () => {
  assert.ok(KEEP_ALIVE_TIMEOUT_MS > 60_000, "above nginx's keepalive_timeout 60s in our upstreams");
  const server = createAppServer(express().get('/', (_req, res) => res.json({ ok: true })));
  const port = await listen(server, 0, '127.0.0.1');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await get(port, agent);
    await sleep(6_500);
    assert.equal(await get(port, agent), first, 'the second request went out on the same connection');
  } finally {
    agent.destroy();
    server.closeAllConnections();
    server.close();
  }
});
