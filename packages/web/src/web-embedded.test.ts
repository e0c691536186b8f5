// The web app in a real browser against `npm start` (one process, dev secret): two people in two
// browser contexts sign in, chat live with typing and receipts, ask to join and approve, see each
// other's presence and position on the map, survive a server restart with nothing lost or doubled
// on screen, and an admin watches the operator view update. axe-core checks every main view.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findFreeClusterPort } from '@switchboard/cli';
import { createTestDatabase, type TestDatabase } from '@switchboard/testkit';
import type { Browser } from 'playwright-core';
import { ensureWebBuilt } from './ensure-built.ts';
import { AppDriver } from './testing/app-driver.ts';
import { assertAccessible, launchBrowser, Party, photographFailures, screenshot } from './testing/browser.ts';
import { type EmbeddedServer, startEmbeddedServer } from './testing/servers.ts';

describe('the web app on npm start', () => {
  let database: TestDatabase;
  let server: EmbeddedServer;
  let browser: Browser;
  let alice: AppDriver;
  let bob: AppDriver;
  const parties = () => [alice, bob].filter(Boolean).map((d) => d.party);
  let roomId = '';

  before(async () => {
    ensureWebBuilt();
    database = await createTestDatabase('web');
    server = await startEmbeddedServer({ port: await findFreeClusterPort(1), databaseUrl: database.url });
    browser = await launchBrowser();
    alice = new AppDriver(await Party.open(browser, 'alice', server.url));
    bob = new AppDriver(await Party.open(browser, 'bob', server.url));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  test('the sign-in page offers "sign in as" on the dev secret and passes axe', () =>
    photographFailures(parties, 'the sign-in page offers "sign in as" on ', async () => {
      await alice.page.goto('/');
      await alice.page.getByRole('region', { name: 'Sign in as…' }).getByLabel('Name').waitFor();
      await assertAccessible(alice.page, 'sign-in');
      await alice.signInAs('Alice', 'admin', '+15550100001');
      await bob.signInAs('Bob');
      await alice.page.getByTestId('me').getByText('Alice').waitFor();
    }));

  test('two people chat live: room list, unread count, typing, delivered and read receipts', () =>
    photographFailures(parties, 'two people chat live: room list, unread ', async () => {
      roomId = await alice.createRoom({ name: 'Night shift', members: ['bob'] });
      // Bob is a member: the room appears in his list without a reload.
      await bob.roomLink('Night shift').waitFor();

      await alice.send('first, before Bob looks');
      await bob.roomLink('Night shift').getByTestId('unread').getByText('1').waitFor();
      await bob.openRoom('Night shift');
      await bob.message('first, before Bob looks').waitFor();
      await bob.page.getByTestId('room-list').getByTestId('unread').waitFor({ state: 'detached' });
      await alice.message('first, before Bob looks').getByTestId('receipt').getByText('Read by Bob').waitFor();

      await bob.page.getByTestId('composer').pressSequentially('typing slowly', { delay: 20 });
      await alice.page.getByTestId('typing').getByText('Bob is typing…').waitFor();
      await bob.page.getByTestId('composer').press('Enter');
      await alice.message('typing slowly').waitFor();
      await bob.message('typing slowly').getByTestId('receipt').getByText('Read by Alice').waitFor();
      await alice.page.getByTestId('typing').getByText('Bob is typing…').waitFor({ state: 'detached' });

      await alice.send('just for you, Bob', 'Bob');
      await bob.message('just for you, Bob').getByText('private to you').waitFor();
      await alice.message('just for you, Bob').getByText('private to Bob').waitFor();
      await assertAccessible(alice.page, 'chat');
      await screenshot(alice.page, 'chat');
    }));

  test('a join request is approved by the owner and the room opens for the requester', () =>
    photographFailures(parties, 'a join request is approved by the owner ', async () => {
      const approvalRoom = await alice.createRoom({ name: 'Clinic desk', approval: true });
      await alice.send('welcome to the desk');
      await bob.page.getByLabel('Join a room by id').fill(approvalRoom);
      await bob.page.getByRole('button', { name: 'Join', exact: true }).click();
      await bob.page.getByText('Asked the owner to let you in.').waitFor();
      await alice.page.getByRole('button', { name: 'Approve Bob' }).click();
      // The protocol names a room to its members by id only: Bob's list shows it by its people.
      await bob.page.getByTestId('room-list').locator(`a[data-room="${approvalRoom}"]`).click();
      await bob.message('welcome to the desk').waitFor();
      await bob.person('alice').waitFor();
    }));

  test('an emergency contact (matched by phone) is added to the room at once', () =>
    photographFailures(parties, 'an emergency contact (matched by phone) ', async () => {
      await bob.createRoom({ name: "Bob's family", type: 'emergency', contacts: ['+1 555 010 0001'] });
      await alice.roomLink("Bob's family").waitFor();
      await alice.page.getByText("You were added to Bob's family as an emergency contact").waitFor();
    }));

  test('the page works from the keyboard alone: skip link, sign-in and sending with Enter', () =>
    photographFailures(parties, 'the page works from the keyboard alone: ', async () => {
      const carol = new AppDriver(await Party.open(browser, 'carol', server.url));
      try {
        await carol.page.goto('/');
        await carol.page.getByRole('region', { name: 'Sign in as…' }).getByLabel('Name').waitFor();
        await carol.page.keyboard.press('Tab');
        assert.equal(
          await carol.page.evaluate(() => document.activeElement?.id),
          await carol.page.getByRole('region', { name: 'Sign in as…' }).getByLabel('Name').getAttribute('id'),
          'the first Tab reaches the name field',
        );
        await carol.page.keyboard.type('Carol');
        await carol.page.keyboard.press('Enter');
        await carol.waitOnline();
        await carol.page.keyboard.press('Tab');
        assert.equal(await carol.page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
        await carol.page.keyboard.press('Enter');
        assert.equal(new URL(carol.page.url()).hash, '#main');
        carol.party.assertNoConsoleErrors();
      } finally {
        await carol.party.close();
      }
    }));

  test("presence: a status change is seen by the other, with the room's people listed", () =>
    photographFailures(parties, 'presence: a status change is seen by the', async () => {
      await alice.openRoom('Night shift');
      await alice.person('bob').and(alice.page.locator('[data-status="online"]')).waitFor();
      await bob.setStatus('busy');
      await alice.person('bob').and(alice.page.locator('[data-status="busy"]')).getByText('Busy').waitFor();
      await bob.setStatus('online');
      await alice.person('bob').and(alice.page.locator('[data-status="online"]')).waitFor();
    }));

  test("a location shared by one appears on the other's map, and a danger zone lights up", () =>
    photographFailures(parties, 'a location shared by one appears on the ', async () => {
      await bob.openRoom('Night shift');
      await bob.openMap();
      await alice.openMap();
      await alice.shareManualPoint(52.52, 13.405);
      await bob.page.locator('[data-testid="map"] [data-user="alice"]').waitFor();
      await bob.page.getByTestId('positions').getByText('Alice').waitFor();

      // Bob draws a danger zone around Alice's street corner; her next fix inside it is a violation.
      await bob.page.getByText('Add a geofence').click();
      const form = bob.page.locator('.fence-form');
      await form.getByLabel('Name').fill('Construction site');
      await form.getByLabel('Centre latitude').fill('52.5205');
      await form.getByLabel('Centre longitude').fill('13.4055');
      await form.getByLabel(/Radius/).fill('150');
      await form.getByRole('button', { name: 'Add geofence' }).click();
      await bob.page.getByTestId('fences').getByText('Construction site').waitFor();
      await alice.page.reload();
      await alice.page.getByTestId('map').waitFor();
      await alice.shareManualPoint(52.5206, 13.4056);
      await bob.page
        .getByTestId('violations')
        .getByText(/Alice entered danger zone “Construction site”/)
        .waitFor();
      await bob.page.locator('[data-testid="map"] [data-fence][data-violated="true"]').waitFor();
      await bob.page.locator('[data-testid="map"] .marker.violating[data-user="alice"]').waitFor();
      await bob.shareManualPoint(52.5182, 13.4012);
      await alice.page.locator('[data-testid="map"] [data-user="bob"]').waitFor();
      await bob.page.locator('[data-testid="map"] .marker:not(.violating)[data-user="bob"]').waitFor();
      await assertAccessible(bob.page, 'map');
      await screenshot(bob.page, 'map');
    }));

  test('history pages up after a reload, each message once', () =>
    photographFailures(parties, 'history pages up after a reload, each me', async () => {
      for (let i = 1; i <= 60; i++) {
        const response = await alice.page.request.post('/api/messages', {
          headers: {
            Authorization: `Bearer ${await alice.page.evaluate(() => sessionStorage.getItem('switchboard.session'))}`,
          },
          data: { roomId, content: `backlog ${i}` },
        });
        assert.equal(response.status(), 201, await response.text());
      }
      await bob.openRoom('Night shift');
      await bob.message('backlog 60').waitFor();
      await bob.page.reload();
      await bob.message('backlog 60').waitFor();
      await bob.page.getByRole('heading', { level: 1, name: 'Night shift' }).waitFor(); // the name survives a reload
      // The reloaded page shows the newest page; the first messages come with "Load older".
      assert.equal(await bob.message('first, before Bob looks').count(), 0);
      await bob.page.getByRole('button', { name: 'Load older messages' }).click();
      await bob.message('first, before Bob looks').waitFor();
      const seqs = await bob.seqs();
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'in seq order',
      );
      assert.equal(new Set(seqs).size, seqs.length, 'each message once');
    }));

  test('a server restart mid-chat loses nothing on screen: missed messages appear, nothing doubles', () =>
    photographFailures(parties, 'a server restart mid-chat loses nothing ', async () => {
      await alice.page.goto(`/rooms/${roomId}`);
      await alice.waitOnline();
      await bob.message('backlog 60').waitFor();
      const before = await bob.messageTexts();

      // Bob's page cannot reconnect until the test lets it, so what Alice sends meanwhile is missed.
      await bob.party.expectOutage(() =>
        alice.party.expectOutage(async () => {
          await bob.party.context.route('**/socket.io/**', (route) => route.abort());
          await server.stop();
          await bob.page.getByTestId('connection').and(bob.page.locator('[data-state="reconnecting"]')).waitFor();
          await alice.page.getByTestId('composer').fill('sent while the server was down');
          await alice.page.getByTestId('composer').press('Enter');
          await server.start();
          await alice.waitOnline(1);
          await alice.message('sent while the server was down').waitFor();
          await alice.send('missed by Bob 1');
          await alice.send('missed by Bob 2');
          await bob.party.context.unroute('**/socket.io/**');
          await bob.waitOnline(1);
        }),
      );
      for (const text of ['sent while the server was down', 'missed by Bob 1', 'missed by Bob 2'])
        await bob.message(text).waitFor();
      const texts = await bob.messageTexts();
      assert.deepEqual(texts.slice(0, before.length), before, 'what was on screen is still there');
      assert.deepEqual(texts.slice(before.length), [
        'sent while the server was down',
        'missed by Bob 1',
        'missed by Bob 2',
      ]);
      for (const party of [alice, bob]) {
        const seqs = await party.seqs();
        assert.equal(new Set(seqs).size, seqs.length, `${party.party.name}: nothing doubled`);
        assert.equal(await party.message('sent while the server was down').count(), 1);
      }
      await bob.page
        .getByTestId('connection')
        .getByText(/reconnected once, missed messages fetched/)
        .waitFor();
    }));

  test('the operator view updates its charts from /api/stats', () =>
    photographFailures(parties, 'the operator view updates its charts fro', async () => {
      await alice.page.getByRole('link', { name: 'Operations' }).click();
      await alice.page.getByRole('heading', { name: 'Operations' }).waitFor();
      await alice.page.waitForFunction(
        () => Number(document.querySelector('[data-testid="ops-samples"]')?.textContent) >= 2,
      );
      assert.ok(Number(await alice.page.getByTestId('ops-connections').textContent()) >= 2, 'both pages are connected');
      for (let i = 1; i <= 5; i++) await bob.send(`load ${i}`);
      await alice.page.waitForFunction(
        () => Number(document.querySelector('[data-testid="ops-rate"]')?.textContent) > 0,
        undefined,
        { timeout: 30_000 },
      );
      await assertAccessible(alice.page, 'operations');
      await screenshot(alice.page, 'ops');
      // Bob is no admin: the same address tells him so.
      await bob.page.goto('/ops');
      await bob.page.getByText('The operator view is for the admin role').waitFor();
    }));

  test('when Bob closes his window, Alice sees him offline with his last-seen time', () =>
    photographFailures(parties, 'when Bob closes his window, Alice sees h', async () => {
      bob.party.assertNoConsoleErrors();
      await alice.page.getByRole('link', { name: 'Chat' }).click();
      await alice.openRoom('Night shift');
      await bob.party.close();
      await alice
        .person('bob')
        .and(alice.page.locator('[data-status="offline"]'))
        .getByText(/Offline · last seen just now/)
        .waitFor();
    }));

  test('no page logged a console error', () => {
    alice.party.assertNoConsoleErrors();
    bob.party.assertNoConsoleErrors();
  });
});
