// Notifications, the publish API and webhooks end to end (issue 10, "Done means"): a real cluster
// (nginx, two gateways, the services on Redis and Postgres), clients bound to 127.0.N.1 so nginx's
// ip_hash puts them on both gateways, backends' REST through nginx with X-Api-Key, and a real
// webhook receiver verifying signatures.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signToken } from '@switchboard/runtime';
import { newWebhookSecret, sleep, WebhookReceiver, waitFor } from '@switchboard/testkit';
import { connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, startCluster } from './cluster-harness.ts';
import { mapAddressesToGateways, PROBE_ADDRESSES, record } from './presence-helpers.ts';

const API_KEY = 'e2e-backend-api-key';
const WAIT = { timeoutMs: 20_000 };
/** How long "nothing arrived" is watched for, after what should arrive did. */
const QUIET_MS = 500;

describe('notifications, publish and webhooks through nginx, clients on both gateways', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  const secret = newWebhookSecret();
  const receiver = new WebhookReceiver(secret, ['ok']);
  let onA: string[];
  let onB: string[];

  const token = (userId: string, role = 'user') => signToken(cluster.jwtSecret, userId, { name: userId, role });
  const connect = async (userId: string, localAddress: string, role?: string) => {
    const client = await connectClient(cluster.url, token(userId, role), { localAddress });
    clients.push(client);
    return client;
  };
  /** `key: null` sends no X-Api-Key header. */
  const backend = async (path: string, body: unknown, key: string | null = API_KEY) => {
    const response = await fetch(`${cluster.url}/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** Application events are not in Switchboard's event map: listen untyped. */
  const recordApp = (client: E2eClient, event: string) => {
    const seen: unknown[] = [];
    (client.socket.on as (e: string, h: (d: unknown) => void) => void)(event, (d) => seen.push(d));
    return seen;
  };

  before(async () => {
    await receiver.start();
    cluster = await startCluster({
      gateways: 2,
      env: {
        API_KEY,
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: secret,
        WEBHOOK_RETRY_DELAYS_MS: Array(30).fill(500).join(','),
      },
    });
    const byGateway = await mapAddressesToGateways(cluster.url, token('address-probe'));
    assert.equal(byGateway.size, 2, `all of ${PROBE_ADDRESSES.length} addresses landed on one gateway`);
    [onA, onB] = [...byGateway.values()] as [string[], string[]];
  });
  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
    await receiver.stop();
  });

  test('the clinic queue: one patient, role staff and role patient reached on both gateways', async () => {
    const patient1 = await connect('patient-1', onA[0]!, 'patient');
    const patient2 = await connect('patient-2', onB[0]!, 'patient');
    const staffA = await connect('staff-a', onA[1] ?? onA[0]!, 'staff');
    const staffB = await connect('staff-b', onB[1] ?? onB[0]!, 'staff');
    assert.notEqual(patient1.connected().serverId, patient2.connected().serverId);
    const positions = [patient1, patient2, staffA, staffB].map((c) => recordApp(c, 'position_update'));
    const refreshes = [patient1, patient2, staffA, staffB].map((c) => recordApp(c, 'queue_refresh'));
    const updates = [patient1, patient2, staffA, staffB].map((c) => recordApp(c, 'queue_update'));

    const answers = await Promise.all([
      backend('publish', {
        to: { user: 'patient-1' },
        event: 'position_update',
        data: { position: 2, etaMinutes: 10 },
      }),
      backend('publish', { to: { role: 'staff' }, event: 'queue_refresh', data: { waiting: 7 } }),
      backend('publish', { to: { role: 'patient' }, event: 'queue_update', data: { nowServing: 41 } }),
    ]);
    for (const answer of answers) assert.deepEqual(answer, { status: 202, body: { success: true, delivered: true } });

    await waitFor(() => positions[0]!.length === 1 && refreshes[2]!.length === 1 && refreshes[3]!.length === 1, WAIT);
    await waitFor(() => updates[0]!.length === 1 && updates[1]!.length === 1, WAIT);
    await sleep(QUIET_MS);
    assert.deepEqual(
      positions.map((p) => p.length),
      [1, 0, 0, 0],
      'position_update reaches the one patient',
    );
    assert.deepEqual(positions[0], [{ position: 2, etaMinutes: 10 }]);
    assert.deepEqual(
      refreshes.map((p) => p.length),
      [0, 0, 1, 1],
      'queue_refresh reaches every staff socket',
    );
    assert.deepEqual(
      updates.map((p) => p.length),
      [1, 1, 0, 0],
      'queue_update reaches every patient socket',
    );

    const closing = [patient1, patient2, staffA, staffB].map((c) => recordApp(c, 'clinic_closing'));
    const all = await backend('publish', { to: { all: true }, event: 'clinic_closing', data: { at: '18:00' } });
    assert.equal(all.status, 202);
    await waitFor(() => closing.every((c) => c.length === 1), { ...WAIT, what: 'every socket on both gateways' });
  });

  test('the publish API refuses a missing key (401), a reserved event name and a malformed target (400)', async () => {
    const body = { to: { all: true }, event: 'queue_update', data: {} };
    assert.equal((await backend('publish', body, null)).status, 401);
    assert.equal((await backend('publish', body, 'wrong-key')).status, 401);
    const reserved = await backend('publish', { ...body, event: 'message:new' });
    assert.equal(reserved.status, 400);
    assert.match(String(reserved.body.error), /^event: message:new is reserved/);
    const target = await backend('publish', { ...body, to: {} });
    assert.equal(target.status, 400);
    assert.match(String(target.body.error), /^to: /);
  });

  test('a notification reaches both devices of a user, and a read on one updates the unread count on both', async () => {
    const phone = await connect('nora', onA[0]!);
    const laptop = await connect('nora', onB[0]!);
    const counts = [phone, laptop].map((c) => record(c, 'notification:unread'));
    const arrivals = [phone.next('notification:new', WAIT.timeoutMs), laptop.next('notification:new', WAIT.timeoutMs)];
    const created = await backend('notifications', {
      to: { user: 'nora' },
      type: 'appointment',
      title: 'Reminder',
      body: 'Tomorrow at 9:00',
      priority: 'high',
      idempotencyKey: 'nora-appointment-1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const [id] = created.body.notificationIds as string[];
    for (const arrival of await Promise.all(arrivals)) assert.equal(arrival.id, id);
    await waitFor(() => counts.every((c) => c.at(-1)?.unreadCount === 1), { ...WAIT, what: 'unread 1 on both' });

    const retry = await backend('notifications', {
      to: { user: 'nora' },
      type: 'appointment',
      title: 'Reminder',
      body: 'Tomorrow at 9:00',
      idempotencyKey: 'nora-appointment-1',
    });
    assert.deepEqual(retry.body.notificationIds, [id], 'the retry created nothing new');

    const read = await phone.request('notification:read', { notificationId: id });
    assert.equal(read.success, true, JSON.stringify(read));
    await waitFor(() => counts.every((c) => c.at(-1)?.unreadCount === 0), { ...WAIT, what: 'unread 0 on both' });
    const list = await laptop.request('notification:list', {});
    assert.ok(list.success);
    if (list.success) {
      assert.equal(list.notifications.length, 1);
      assert.ok(list.notifications[0]!.readAt);
    }
  });

  test('an offline user finds the notification on connect; a topic subscription holds on a new device', async () => {
    const created = await backend('notifications', { to: { user: 'olga' }, type: 't', title: 'While away', body: '' });
    assert.equal(created.status, 201);
    const first = await connectClient(cluster.url, token('olga'), { localAddress: onA[0]! });
    clients.push(first);
    const unread = await first.request('notification:getUnreadCount', {});
    assert.deepEqual(unread, { success: true, unreadCount: 1 });
    const inbox = await first.request('notification:list', {});
    assert.ok(inbox.success);
    if (inbox.success)
      assert.deepEqual(
        inbox.notifications.map((n) => n.id),
        created.body.notificationIds,
      );

    const subscribed = await first.request('notification:subscribe', { topics: ['ward-3'] });
    assert.deepEqual(subscribed, { success: true, topics: ['ward-3'] });
    const second = await connect('olga', onB[0]!);
    // The new socket joins its topics on session:open; wait until a topic publish reaches it.
    const heard = recordApp(second, 'ward_event');
    await waitFor(
      async () => {
        await backend('publish', { to: { topic: 'ward-3' }, event: 'ward_event', data: { n: 1 } });
        await sleep(200);
        return heard.length > 0;
      },
      { ...WAIT, what: 'the topic event on the second device' },
    );
    const arrival = second.next('notification:new', WAIT.timeoutMs, (n) => n.topic === 'ward-3');
    const topicNote = await backend('notifications', { to: { topic: 'ward-3' }, type: 't', title: 'Ward', body: '' });
    assert.equal(topicNote.body.recipients, 1);
    assert.equal((await arrival).title, 'Ward');
  });

  test('room.created reaches a receiver that fails the first attempt: retried, same id, signature valid', async () => {
    // The owner's connect writes a user.online webhook too: only room.created gets the failure.
    receiver.modesFor = 'room.created';
    receiver.modes = ['fail', 'ok'];
    const owner = await connect('room-owner', onA[0]!);
    const created = await owner.request('room:create', { type: 'group', name: 'webhook-room' });
    assert.ok(created.success, JSON.stringify(created));
    if (!created.success) return;
    const attempts = () => receiver.received.filter((w) => w.body.data.roomId === created.room.id);
    await waitFor(() => attempts().length === 2, { ...WAIT, what: 'two attempts' });
    const [firstTry, secondTry] = attempts() as [(typeof receiver.received)[0], (typeof receiver.received)[0]];
    assert.equal(firstTry.answered, 'fail');
    assert.equal(secondTry.answered, 'ok');
    assert.equal(firstTry.id, secondTry.id);
    assert.ok(firstTry.signatureValid && secondTry.signatureValid);
    assert.equal(secondTry.body.type, 'room.created');
  });

  test('a receiver that is down while the notification service restarts gets the event afterwards', async () => {
    receiver.modesFor = undefined;
    receiver.modes = ['ok'];
    await receiver.stop();
    const owner = await connect('room-owner-2', onB[0]!);
    const created = await owner.request('room:create', { type: 'group', name: 'while-down' });
    assert.ok(created.success);
    if (!created.success) return;
    const notification = (await cluster.state()).processes.find((p) => p.service === 'notification')!;
    cluster.kill(notification.pid);
    await cluster.waitForRestart(notification.name, notification.pid);
    await receiver.start();
    await waitFor(() => receiver.received.some((w) => w.body.data.roomId === created.room.id), {
      ...WAIT,
      what: 'delivery after the restart',
    });
    const delivered = receiver.received.filter((w) => w.body.data.roomId === created.room.id);
    assert.ok(delivered.every((w) => w.signatureValid));
  });
});
