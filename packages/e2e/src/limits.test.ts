// nginx's per-address limits, through the real cluster's nginx (small limits set with
// NGINX_CONN_PER_IP / NGINX_REQ_PER_IP): connections held open and requests per second.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { signToken } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import { connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, startCluster } from './cluster-harness.ts';

const CONN_PER_IP = 4;
const REQ_PER_IP = 5; // bursts of 10× = 50

/** One GET from a chosen source address, without keep-alive (each request its own connection). */
function getFrom(url: string, localAddress: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('nginx limits per client address', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  const token = (userId: string) => signToken(cluster.jwtSecret, userId);
  const connect = async (userId: string, localAddress: string) => {
    const client = await connectClient(cluster.url, token(userId), {
      localAddress,
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push(client);
    return client;
  };

  before(async () => {
    cluster = await startCluster({
      gateways: 1,
      env: { NGINX_CONN_PER_IP: String(CONN_PER_IP), NGINX_REQ_PER_IP: String(REQ_PER_IP) },
    });
  });
  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  test(`an address holding ${CONN_PER_IP} sockets open cannot open another; other addresses can, and a closed one frees its place`, async () => {
    const held: E2eClient[] = [];
    for (let i = 0; i < CONN_PER_IP; i++) held.push(await connect(`holder-${i}`, '127.0.7.1'));
    await assert.rejects(connect('one-too-many', '127.0.7.1'), 'refused past limit_conn');
    await connect('other-address', '127.0.8.1');

    held[0]?.close();
    await waitFor(
      async () => {
        try {
          await connect('after-close', '127.0.7.1');
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 15_000, what: 'a place to free up' },
    );
  });

  test('requests past the rate and its burst are answered 429 RATE_LIMITED as JSON; another address is not limited', async () => {
    // A path an upstream answers (404): nginx's own `return`s run before the limits and are never limited.
    const url = `${cluster.url}/api/messages/no-such-endpoint`;
    const statuses: number[] = [];
    let refusal = '';
    // One at a time, so the connection limit is never what refuses them.
    for (let i = 0; i < 120; i++) {
      const { status, body } = await getFrom(url, '127.0.9.1');
      statuses.push(status);
      if (status === 429) refusal = body;
    }
    const limited = statuses.filter((s) => s === 429).length;
    const served = statuses.filter((s) => s === 404).length;
    assert.equal(limited + served, statuses.length, `only 404 and 429: ${[...new Set(statuses)]}`);
    assert.ok(limited > 0, 'some requests were limited');
    assert.ok(served >= REQ_PER_IP * 10, `the burst (${REQ_PER_IP * 10}) was served, got ${served}`);
    assert.deepEqual(JSON.parse(refusal), {
      success: false,
      code: 'RATE_LIMITED',
      error: 'Too many requests from this address',
    });
    assert.equal((await getFrom(url, '127.0.10.1')).status, 404, 'a different address is served');
    assert.equal(
      (await getFrom(`${cluster.url}/healthz`, '127.0.9.1')).status,
      200,
      "nginx's own /healthz is never limited",
    );
  });
});
