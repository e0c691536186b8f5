// Notifications, emergencies and calls in a real browser against `npm start` (one process, dev
// secret): the bell counts live across two tabs of one person, an SOS reaches the emergency
// contact's window and the acknowledgement reaches the owner's, and a video call between two
// browser contexts connects with real getUserMedia (Chromium's fake camera) and RTCPeerConnection.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findFreeClusterPort } from '@switchboard/cli';
import { createClient } from '@switchboard/client';
import { createTestDatabase, type TestDatabase } from '@switchboard/testkit';
import type { Browser } from 'playwright-core';
import { ensureWebBuilt } from './ensure-built.ts';
import { AppDriver } from './testing/app-driver.ts';
import { assertAccessible, launchBrowser, Party, photographFailures, screenshot } from './testing/browser.ts';
import { LiveDriver } from './testing/live-driver.ts';
import { asSeen, latestIceServers, recordPeerConnections } from './testing/peer-connections.ts';
import { type EmbeddedServer, startEmbeddedServer } from './testing/servers.ts';

const API_KEY = 'web-live-test-key';
const ALICE_PHONE = '+15550100001';
/** The operator's STUN/TURN servers. Nothing listens there: the call still connects on host candidates. */
const ICE_SERVERS = [
  { urls: 'stun:127.0.0.1:3478' },
  {
    urls: ['turn:127.0.0.1:3479?transport=udp', 'turn:127.0.0.1:3479?transport=tcp'],
    username: 'web',
    credential: 'live',
  },
];

describe('calls, notifications and emergencies in the browser on npm start', () => {
  let database: TestDatabase;
  let server: EmbeddedServer;
  let browser: Browser;
  let alice: LiveDriver;
  let bob: LiveDriver;
  /** Bob's second tab (same browser, its own session): for "live across tabs" and "answered elsewhere". */
  let bobTab2: LiveDriver;
  const parties = () => [alice, bob, bobTab2].filter(Boolean).map((d) => d.app.party);

  before(async () => {
    ensureWebBuilt();
    database = await createTestDatabase('web_live');
    server = await startEmbeddedServer({
      port: await findFreeClusterPort(1),
      databaseUrl: database.url,
      // One escalation step, soon: the contact's banner and the timeline show level 2.
      env: { API_KEY, EMERGENCY_ESCALATION: '1500:supervisor', WEB_ICE_SERVERS: JSON.stringify(ICE_SERVERS) },
    });
    browser = await launchBrowser();
    alice = new LiveDriver(new AppDriver(await Party.open(browser, 'alice', server.url)));
    // Bob's browser knows where he is (for the SOS's location).
    const bobParty = await Party.open(browser, 'bob', server.url, { latitude: 51.5072, longitude: -0.1276 });
    bob = new LiveDriver(new AppDriver(bobParty));
    for (const party of [alice.app.party, bobParty]) await recordPeerConnections(party.context);
    await alice.app.signInAs('Alice', 'admin', ALICE_PHONE);
    await bob.app.signInAs('Bob');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  const notify = async (title: string, body: string) => {
    const response = await fetch(`${server.url}/api/notifications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': API_KEY },
      body: JSON.stringify({ to: { user: 'bob' }, type: 'reminder', title, body }),
    });
    assert.equal(response.status, 201, await response.text());
  };

  test('the bell counts unread notifications live on both tabs, pages the list and marks them read', () =>
    photographFailures(parties, 'the bell counts unread notifications liv', async () => {
      bobTab2 = new LiveDriver(new AppDriver(await bob.app.party.newTab('bob-tab2')));
      await bobTab2.app.signInAs('Bob');
      for (let i = 1; i <= 23; i++) await notify(`Reminder ${i}`, `Take the ${i} o'clock round`);
      await bob.waitUnread(23);
      await bobTab2.waitUnread(23);

      const list = await bob.openBell();
      await list.getByText('Reminder 23').waitFor();
      assert.equal(await list.getByTestId('notification').count(), 20, 'the first page');
      assert.equal(await list.getByText('Reminder 3', { exact: true }).count(), 0);
      await list.getByRole('button', { name: 'Older notifications' }).click();
      await list.getByText('Reminder 1', { exact: true }).waitFor();
      assert.equal(await list.getByTestId('notification').count(), 23);
      await assertAccessible(bob.page, 'notifications');

      await list.getByRole('button', { name: 'Mark read: Reminder 23' }).click();
      await bobTab2.waitUnread(22); // the other tab hears notification:unread
      await bob.waitUnread(22);
      await list.getByRole('button', { name: 'Mark all read' }).click();
      await bobTab2.waitUnread(0);
      await bob.page.getByTestId('bell-badge').waitFor({ state: 'detached' });
      assert.equal(await list.locator('[data-testid="notification"][data-read="false"]').count(), 0);

      // A new one arrives live at the top of the open list, and in the other tab's count.
      await notify('Handover at 7', 'Bring the keys');
      await list.getByTestId('notification').first().getByText('Handover at 7').waitFor();
      await bobTab2.waitUnread(1);
      await bob.page.keyboard.press('Escape');
      await bob.page.getByTestId('notifications').waitFor({ state: 'detached' });
    }));

  test("an SOS reaches the emergency contact's window and the acknowledgement reaches the owner's", () =>
    photographFailures(parties, 'an SOS reaches the emergency contact', async () => {
      // Bob owns a room whose emergency contact is Alice's phone: she is in it at once.
      await bob.app.createRoom({ name: "Bob's family", type: 'emergency', contacts: [ALICE_PHONE] });
      await alice.app.roomLink("Bob's family").waitFor();

      await bob.page.getByRole('button', { name: 'SOS', exact: true }).click();
      const form = bob.page.getByRole('form', { name: 'Send an SOS' });
      await form.getByLabel('Type').selectOption('MEDICAL');
      await form.getByLabel(/Message/).fill('Fell on the stairs');
      await form.getByRole('button', { name: 'Send SOS' }).click();
      await form.waitFor({ state: 'detached' });

      const seen = alice.alert('SOS from Bob');
      await seen.getByText('“Fell on the stairs”').waitFor();
      await seen.getByRole('heading', { name: /Medical/ }).waitFor();
      await seen.getByText(/At 51\.50720, -0\.12760/).waitFor(); // from Bob's browser geolocation
      await bob.page.locator('[data-testid="alert"][data-state="active"]').getByText('Your SOS').waitFor();
      // Not acknowledged within 1.5 s: escalated, and everyone already alerted hears it.
      await seen.getByTestId('alert-level').getByText('escalated to level 2').waitFor();
      await bob.alert('Your SOS').getByTestId('alert-level').getByText('escalated to level 2').waitFor();
      await assertAccessible(alice.page, 'emergency alert');
      await screenshot(alice.page, 'sos');

      await seen.getByRole('button', { name: 'Acknowledge' }).click();
      const mine = bob.alert('Your SOS');
      await mine.getByTestId('acknowledged-by').getByText('Acknowledged by Alice').waitFor();
      await bob.page.locator('[data-testid="alert"][data-state="acknowledged"]').waitFor();
      await mine.getByRole('button', { name: 'Timeline' }).click();
      const timeline = mine.getByTestId('alert-timeline');
      await timeline.locator('li[data-action="triggered"]').waitFor();
      await timeline
        .locator('li[data-action="escalated"]')
        .getByText(/to level 2/)
        .waitFor();
      await timeline
        .locator('li[data-action="acknowledged"]')
        .getByText(/by Alice/)
        .waitFor();
      await assertAccessible(bob.page, 'own alert with its timeline');

      // The admin's operator view lists it while it is open.
      await alice.page.getByRole('link', { name: 'Operations' }).click();
      await alice.page.getByTestId('ops-open-alerts').locator('tr[data-alert]').getByText('Bob').waitFor();
      await alice.page.getByRole('link', { name: 'Chat' }).click();

      await mine.getByRole('button', { name: 'Resolve' }).click();
      await alice.page.locator('[data-testid="alert"][data-state="resolved"]').waitFor();
      await timeline.locator('li[data-action="resolved"]').waitFor();
      await alice.alert('SOS from Bob').getByRole('button', { name: 'Dismiss' }).click();
      await alice.alert('SOS from Bob').waitFor({ state: 'detached' });
    }));

  test('a video call connects: both peer connections reach connected and each remote video plays frames', () =>
    photographFailures(parties, 'a video call connects', async () => {
      await bob.app.openRoom("Bob's family");
      await alice.app.openRoom("Bob's family");
      await bob.call('Alice', 'Video');
      await bob.callView().getByText('Calling Alice…').waitFor();
      await alice.ringing('Bob').getByText('Incoming video call').waitFor();
      await assertAccessible(alice.page, 'ringing');
      await alice.ringing('Bob').getByRole('button', { name: 'Accept' }).click();
      await alice.waitConnected();
      await bob.waitConnected();
      // WEB_ICE_SERVERS reached both RTCPeerConnections (GET /api/ice-servers).
      const configured = asSeen(ICE_SERVERS);
      assert.deepEqual(await latestIceServers(alice.page), configured);
      assert.deepEqual(await latestIceServers(bob.page), configured);
      assert.ok((await alice.waitRemoteFrames()) > 10, "Bob's camera plays in Alice's window");
      assert.ok((await bob.waitRemoteFrames()) > 10, "Alice's camera plays in Bob's window");
      await alice.app.person('bob').and(alice.page.locator('[data-status="in_call"]')).waitFor();
      // A getStats() sample went out as call:quality (the view shows what was sent).
      await bob.page
        .getByTestId('quality-sample')
        .getByText(/kbit\/s/)
        .waitFor({ timeout: 30_000 });
      await assertAccessible(alice.page, 'call');
      await screenshot(alice.page, 'call');

      await bob.callView().getByRole('button', { name: 'Hang up' }).click();
      await alice.callView().waitFor({ state: 'detached' });
      await alice.page.getByText('Call with Bob ended').first().waitFor();
      await bob.callView().waitFor({ state: 'detached' });
    }));

  test('a call ringing on two tabs is answered on one and stops on the other; decline and cancel reach the other side', () =>
    photographFailures(parties, 'a call ringing on two tabs', async () => {
      await alice.call('Bob', 'Audio');
      await bob.ringing('Alice').waitFor();
      await bobTab2.ringing('Alice').getByRole('button', { name: 'Accept' }).click();
      await bob.ringing('Alice').waitFor({ state: 'detached' });
      await bob.page.getByText('Answered on another device').waitFor();
      await alice.waitConnected();
      await bobTab2.waitConnected();
      await alice.callView().getByRole('button', { name: 'Hang up' }).click();
      await bobTab2.callView().waitFor({ state: 'detached' });

      await alice.call('Bob', 'Video');
      await bobTab2.ringing('Alice').waitFor();
      await bob.ringing('Alice').getByRole('button', { name: 'Decline' }).click();
      await alice.page.getByText('Bob declined the call').waitFor();
      await alice.callView().waitFor({ state: 'detached' });
      await bobTab2.ringing('Alice').waitFor({ state: 'detached' });

      // Alice gives up while it rings: Bob's tabs stop ringing and show a missed call.
      await alice.call('Bob', 'Video');
      await bob.ringing('Alice').waitFor();
      await alice.callView().getByRole('button', { name: 'Cancel call' }).click();
      await bob.page.getByTestId('missed-call').getByText('Missed video call from Alice').waitFor();
      await bobTab2.page.getByTestId('missed-call').getByText('Missed video call from Alice').waitFor();
      await bob.ringing('Alice').waitFor({ state: 'detached' });
      assert.equal(await alice.page.getByTestId('missed-call').count(), 0, 'no "missed" for the one who hung up');
    }));

  /** Another device (the SDK in Node) with a dev token for `name`. */
  const deviceOf = async (name: string, role?: string) => {
    const minted = await fetch(`${server.url}/api/dev/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, ...(role ? { role } : {}) }),
    });
    const { token } = (await minted.json()) as { token: string };
    const client = createClient({ url: server.url, token, transports: ['websocket'] });
    await client.synced();
    return client;
  };

  test("a quality issue the server raises from a party's samples shows in the other's call view", () =>
    photographFailures(parties, 'a quality issue the server raises', async () => {
      // A third device of Bob's (the SDK in Node) places the call and reports a poor round trip.
      const device = await deviceOf('Bob');
      try {
        const { callId } = await device.request('call:initiate', { recipientId: 'alice', callType: 'audio' });
        const accepted = new Promise<void>((resolve) => device.on('call:accepted', () => resolve()));
        await alice.ringing('Bob').getByRole('button', { name: 'Accept' }).click();
        await alice.callView().waitFor();
        await accepted; // samples count only once the call is accepted
        // CALL_QUALITY_SAMPLES (3) samples above CALL_QUALITY_RTT_MS (400) raise call:qualityIssue.
        for (let i = 0; i < 3; i++) await device.request('call:quality', { callId, rtt: 900 });
        await alice
          .callView()
          .getByTestId('quality-issues')
          .getByText('Poor connection (Bob): rtt 900 (limit 400)')
          .waitFor();
        await device.request('call:end', { callId });
        await alice.callView().waitFor({ state: 'detached' });
      } finally {
        device.close();
      }
    }));

  test('the call log lists the calls with their outcome, follows calls ending while open, calls back and pages', () =>
    photographFailures(parties, 'the call log', async () => {
      const log = bob.page.getByTestId('call-log');
      const entries = log.getByTestId('call-log-entry');
      const outcomes = () => entries.evaluateAll((els) => els.map((el) => el.getAttribute('data-outcome')));
      await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
      await bob.page.locator('[data-testid="call-log"][data-status="ready"]').waitFor();
      // Newest first: the quality test's call (Bob's device → Alice), the cancel, the decline, the
      // call answered on the other tab, the first video call.
      await entries.nth(4).waitFor();
      assert.deepEqual(await outcomes(), ['answered', 'missed', 'rejected', 'answered', 'answered']);
      await entries.nth(0).getByText('Outgoing audio call').waitFor();
      await entries
        .nth(0)
        .getByText(/^Answered · \d+:\d\d$/)
        .waitFor();
      await entries.nth(1).getByText('Incoming video call').waitFor();
      await entries.nth(1).getByText('Missed', { exact: true }).waitFor();
      await entries.nth(2).getByText('Declined').waitFor();
      await entries.nth(4).getByText('Outgoing video call').waitFor();
      for (let i = 0; i < 5; i++) await entries.nth(i).getByText('Alice', { exact: true }).waitFor();
      await assertAccessible(bob.page, 'call log');

      // A call made and ended while the log is open appears at the top, answered.
      await alice.call('Bob', 'Audio');
      await bob.ringing('Alice').getByRole('button', { name: 'Accept' }).click();
      await alice.waitConnected();
      await alice.callView().getByRole('button', { name: 'Hang up' }).click();
      await bob.callView().waitFor({ state: 'detached' });
      await entries.nth(5).waitFor();
      await entries.nth(0).getByText('Incoming audio call').waitFor();
      assert.equal(await entries.nth(0).getAttribute('data-outcome'), 'answered');

      // A missed call shows as missed.
      await alice.call('Bob', 'Video');
      await bob.ringing('Alice').waitFor();
      await alice.callView().getByRole('button', { name: 'Cancel call' }).click();
      await entries.nth(6).waitFor();
      assert.equal(await entries.nth(0).getAttribute('data-outcome'), 'missed');
      await entries.nth(0).getByText('Incoming video call').waitFor();

      // "Call back" rings Alice through the call controller; Bob gives up while it rings.
      await entries.nth(0).getByRole('button', { name: 'Call back Alice (video)' }).click();
      await bob.callView().getByText('Calling Alice…').waitFor();
      await alice.ringing('Bob').getByText('Incoming video call').waitFor();
      await bob.callView().getByRole('button', { name: 'Cancel call' }).click();
      await alice.ringing('Bob').waitFor({ state: 'detached' });
      await entries.nth(7).waitFor();
      assert.equal(await entries.nth(0).getAttribute('data-outcome'), 'missed');
      await entries.nth(0).getByText('Outgoing video call').waitFor();

      // Past one page (20): 15 more, Bob's device (admin: may call anyone) to Carol's, who declines.
      const bobsAdminDevice = await deviceOf('Bob', 'admin');
      const carol = await deviceOf('Carol');
      try {
        for (let i = 0; i < 15; i++) {
          const { callId } = await bobsAdminDevice.request('call:initiate', {
            recipientId: 'carol',
            callType: 'audio',
          });
          await carol.request('call:reject', { callId });
        }
      } finally {
        bobsAdminDevice.close();
        carol.close();
      }
      await bob.page.reload();
      await bob.app.waitOnline();
      await bob.page.locator('[data-testid="call-log"][data-status="ready"]').waitFor();
      assert.equal(await entries.count(), 20, 'the first page');
      assert.equal(await entries.nth(0).getAttribute('data-outcome'), 'rejected');
      await entries.nth(0).getByText('carol', { exact: true }).waitFor();
      await log.getByRole('button', { name: 'Load more' }).click();
      await entries.nth(22).waitFor();
      assert.equal(await entries.count(), 23, 'every call, once');
      await log.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
      assert.equal(await entries.last().getByText('Outgoing video call').count(), 1, 'the first call of all is last');
    }));

  test('no page logged a console error', () => {
    for (const party of parties()) party.assertNoConsoleErrors();
  });
});
