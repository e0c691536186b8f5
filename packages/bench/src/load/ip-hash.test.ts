import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startNginx } from '../systems/nginx.ts';
import { freePort } from '../systems/processes.ts';
import { balancedAddresses, ipHashPeer } from './ip-hash.ts';

describe('ip_hash placement', () => {
  test('the addresses alternate between peers and are all distinct', () => {
    const list = balancedAddresses(2);
    assert.equal(list.length, 64);
    assert.equal(new Set(list).size, list.length);
    for (const [i, address] of list.entries()) assert.equal(ipHashPeer(address, 2), i % 2, address);
    assert.throws(() => ipHashPeer('::1', 2), /IPv4/);
  });

  // The formula is only worth something if real nginx agrees: two upstreams that answer with
  // their own name, a request from each address, compared with the prediction.
  describe('against a real nginx', () => {
    const upstreams: http.Server[] = [];
    let nginx: Awaited<ReturnType<typeof startNginx>>;
    let port: number;
    before(async () => {
      for (const name of ['0', '1']) {
        const server = http.createServer((_req, res) => res.end(name));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        upstreams.push(server);
      }
      port = await freePort();
      nginx = await startNginx(
        port,
        upstreams.map((s) => (s.address() as AddressInfo).port),
      );
    });
    after(async () => {
      await nginx?.stop();
      for (const server of upstreams) server.close();
    });

    test('every address lands on the upstream the formula predicts', async () => {
      const get = (localAddress: string) =>
        new Promise<string>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, path: '/', localAddress, agent: false }, (res) => {
              let body = '';
              res.on('data', (c) => (body += c));
              res.on('end', () => resolve(body));
            })
            .on('error', reject);
        });
      for (const address of balancedAddresses(2, 8))
        assert.equal(await get(address), String(ipHashPeer(address, 2)), address);
    });
  });
});
