// The web app through the cluster's nginx (`npm run cluster`: two gateways, Redis bus and
// adapter), each person reaching nginx from a different source address so ip_hash puts them on
// different gateways: the dev sign-in is refused (the cluster has its own JWT_SECRET) and says
// why, pasted tokens work, and chat with typing and receipts, presence, location (from the
// browser's geolocation API) and a WebRTC video call (signaling through both gateways) cross them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningCluster, startCluster } from '@switchboard/e2e';
import { signToken } from '@switchboard/runtime';
import type { Browser } from 'playwright-core';
import { ensureWebBuilt } from './ensure-built.ts';
import { AppDriver } from './testing/app-driver.ts';
import { assertAccessible, launchBrowser, Party, photographFailures } from './testing/browser.ts';
import { LiveDriver } from './testing/live-driver.ts';
import { latestIceServers, recordPeerConnections } from './testing/peer-connections.ts';
import { type Relay, startRelay } from './testing/servers.ts';

/** The operator's STUN server (nothing listens there: the call connects on host candidates). */
const ICE_SERVERS = [{ urls: ['stun:127.0.0.1:3478'] }];

describe('the web app through nginx on a two-gateway cluster', () => {
  let cluster: RunningCluster;
  let browser: Browser;
  const relays: Relay[] = [];
  let alice: AppDriver;
  let bob: AppDriver;
  const parties = () => [alice, bob].filter(Boolean).map((d) => d.party);

  before(async () => {
    ensureWebBuilt();
    cluster = await startCluster({ gateways: 2, env: { WEB_ICE_SERVERS: JSON.stringify(ICE_SERVERS) } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    for (const relay of relays) await relay.close();
    await cluster?.stop();
  });

  test('nginx serves the app with cache headers, client routes fall back to it, /api/ stays JSON', () =>
    photographFailures(parties, 'nginx serves the app with cache headers,', async () => {
      const index = await fetch(`${cluster.url}/`);
      assert.equal(index.status, 200);
      assert.equal(index.headers.get('cache-control'), 'no-cache');
      const html = await index.text();
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(asset, 'index.html loads a hashed script');
      const script = await fetch(`${cluster.url}${asset}`);
      assert.equal(script.status, 200);
      assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.match(script.headers.get('content-type') ?? '', /javascript/);
      const ops = await fetch(`${cluster.url}/ops`);
      assert.equal(ops.status, 200);
      assert.equal(await ops.text(), html, '/ops is the app (SPA fallback)');
      assert.equal((await fetch(`${cluster.url}/assets/missing-0000.js`)).status, 404);
      const api = await fetch(`${cluster.url}/api/nothing-here`);
      assert.equal(api.status, 404);
      assert.deepEqual(await api.json(), { success: false, code: 'NOT_FOUND', error: 'No such endpoint' });
      const stats = await fetch(`${cluster.url}/api/stats`);
      assert.equal(stats.status, 200);
      const refused = await fetch(`${cluster.url}/api/dev/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"name":"Mallory","role":"admin"}',
      });
      assert.equal(refused.status, 403, 'no dev tokens on a cluster with its own secret');
      // WEB_ICE_SERVERS through nginx from a gateway (the two pages below reach one each).
      assert.equal((await fetch(`${cluster.url}/api/ice-servers`)).status, 401);
      const headers = { Authorization: `Bearer ${signToken(cluster.jwtSecret, 'ice-check', { name: 'Ice' })}` };
      const ice = await fetch(`${cluster.url}/api/ice-servers`, { headers });
      assert.equal(ice.status, 200);
      assert.deepEqual(await ice.json(), { success: true, iceServers: ICE_SERVERS });
    }));

  test('each person lands on a different gateway; dev sign-in is refused with the reason', () =>
    photographFailures(parties, 'each person lands on a different gateway', async () => {
      // ip_hash hashes the first three octets: find two source addresses on different gateways.
      const seen = new Map<string, AppDriver>();
      for (let n = 1; n <= 8 && seen.size < 2; n++) {
        const relay = await startRelay(cluster.port, `127.0.${n}.1`);
        relays.push(relay);
        const name = seen.size === 0 ? 'alice' : 'bob';
        // Bob's browser knows where it is: he shares through the geolocation API, not a typed point.
        const party = new AppDriver(
          await Party.open(
            browser,
            name,
            relay.url,
            name === 'bob' ? { latitude: 48.8566, longitude: 2.3522 } : undefined,
          ),
        );
        await recordPeerConnections(party.party.context);
        if (seen.size === 0) {
          await party.page.goto('/');
          await party.page
            .getByTestId('dev-sign-in-refused')
            .getByText(/own JWT_SECRET, not the public dev secret/)
            .waitFor();
        }
        const token = signToken(cluster.jwtSecret, name, {
          name: name === 'alice' ? 'Alice' : 'Bob',
          role: name === 'alice' ? 'admin' : 'user',
        });
        await party.signInWithToken(token);
        const { serverId } = await party.waitOnline();
        if (seen.has(serverId)) {
          await party.party.close();
          continue;
        }
        seen.set(serverId, party);
      }
      assert.equal(seen.size, 2, 'two source addresses reached different gateways');
      [alice, bob] = [...seen.values()] as [AppDriver, AppDriver];
      assert.deepEqual([...seen.keys()].sort(), cluster.gateways.map((g) => g.name).sort());
    }));

  test('chat crosses gateways live, with typing and receipts; presence and location too', () =>
    photographFailures(parties, 'chat crosses gateways live, with typing ', async () => {
      await alice.createRoom({ name: 'Across gateways', members: ['bob'] });
      await bob.openRoom('Across gateways');
      await bob.page.getByTestId('composer').pressSequentially('hello from the other gateway', { delay: 20 });
      await alice.page.getByTestId('typing').getByText('Bob is typing…').waitFor();
      await bob.page.getByTestId('composer').press('Enter');
      await alice.message('hello from the other gateway').waitFor();
      await alice.send('and back');
      await bob.message('and back').waitFor();
      await alice.message('and back').getByTestId('receipt').getByText('Read by Bob').waitFor();

      await bob.setStatus('away');
      await alice.person('bob').and(alice.page.locator('[data-status="away"]')).waitFor();

      await alice.openMap();
      await bob.openMap();
      await bob.page.getByRole('button', { name: "Use this device's location" }).click();
      await bob.page.getByTestId('last-sent').waitFor();
      await alice.page.locator('[data-testid="map"] [data-user="bob"]').waitFor();
      await alice.page
        .getByTestId('positions')
        .getByText(/Bob 48\.85660, 2\.35220 ±12 m/)
        .waitFor();
      await assertAccessible(alice.page, 'map (cluster)');
    }));

  test('a video call connects across gateways: both peer connections reach connected, each remote video plays', () =>
    photographFailures(parties, 'a video call connects across gateways', async () => {
      const caller = new LiveDriver(alice);
      const callee = new LiveDriver(bob);
      await caller.call('Bob', 'Video');
      await callee.ringing('Alice').getByRole('button', { name: 'Accept' }).click();
      await caller.waitConnected();
      await callee.waitConnected();
      // Each page built its RTCPeerConnection with the servers its own gateway handed out.
      for (const page of [alice.page, bob.page]) assert.deepEqual(await latestIceServers(page), ICE_SERVERS);
      assert.ok((await caller.waitRemoteFrames()) > 10, "Bob's camera plays in Alice's window");
      assert.ok((await callee.waitRemoteFrames()) > 10, "Alice's camera plays in Bob's window");
      await assertAccessible(alice.page, 'call (cluster)');
      // call-signaling counts it in the stats the operator view shows.
      await alice.page.getByRole('link', { name: 'Operations' }).click();
      await alice.page.getByTestId('ops-calls').getByText(/^1/).waitFor();
      await callee.callView().getByRole('button', { name: 'Hang up' }).click();
      await caller.callView().waitFor({ state: 'detached' });
      await alice.page.getByTestId('ops-calls').getByText(/^0/).waitFor();
    }));

  test('the operator view shows both gateways and their connections', () =>
    photographFailures(parties, 'the operator view shows both gateways an', async () => {
      await alice.page.getByRole('link', { name: 'Operations' }).click();
      for (const gateway of cluster.gateways) await alice.page.locator(`tr[data-gateway="${gateway.name}"]`).waitFor();
      await alice.page.waitForFunction(
        () => Number(document.querySelector('[data-testid="ops-samples"]')?.textContent) >= 2,
      );
      await assertAccessible(alice.page, 'operations (cluster)');
    }));

  test('no page logged a console error', () => {
    alice.party.assertNoConsoleErrors();
    bob.party.assertNoConsoleErrors();
  });
});
