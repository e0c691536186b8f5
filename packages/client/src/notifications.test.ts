// NotificationInbox against a real Switchboard in this process: gateway, messaging and
// notification on a MemoryBus and a fresh database, clients over real websockets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { service as messaging } from '@switchboard/messaging';
import { service as notification } from '@switchboard/notification';
import type { Notification } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { NotificationInbox, type SwitchboardClient } from './index.ts';
import { type LocalSwitchboard, startLocalSwitchboard } from './testing/local-switchboard.ts';

describe('NotificationInbox against a running Switchboard', () => {
  let switchboard: LocalSwitchboard;

  before(async () => {
    switchboard = await startLocalSwitchboard('inbox', [messaging, notification]);
  });

  after(() => switchboard.close());

  async function device(userId: string): Promise<{ client: SwitchboardClient; inbox: NotificationInbox }> {
    const client = await switchboard.connect(userId);
    return { client, inbox: new NotificationInbox(client) };
  }
  const notify = (userId: string, title: string) =>
    switchboard.bus.request(
      'notification',
      'notification:create',
      { to: { user: userId }, type: 't', title, body: '' },
      {
        userId: 'backend',
        name: 'backend',
        role: 'service',
        requestId: `r-${title}`,
      },
    );

  test('the unread count is an observable kept in sync across two devices', async () => {
    const phone = await device('ivy');
    const laptop = await device('ivy');
    await waitFor(() => phone.inbox.unreadCount === 0 && laptop.inbox.unreadCount === 0, { what: 'initial counts' });
    const seenOnLaptop: number[] = [];
    laptop.inbox.onUnreadCount((n) => seenOnLaptop.push(n));
    const arrived: Notification[] = [];
    phone.inbox.onNotification((n) => arrived.push(n));

    const { notificationIds } = await notify('ivy', 'first');
    await notify('ivy', 'second');
    await waitFor(() => phone.inbox.unreadCount === 2 && laptop.inbox.unreadCount === 2, { what: 'count 2' });
    await waitFor(() => arrived.length === 2, { what: 'two notification:new' });

    await phone.inbox.read(notificationIds[0]!);
    await waitFor(() => laptop.inbox.unreadCount === 1, { what: 'laptop sees the read' });
    assert.equal(await laptop.inbox.readAll(), 1);
    await waitFor(() => phone.inbox.unreadCount === 0, { what: 'phone sees readAll' });
    assert.deepEqual(seenOnLaptop, [0, 1, 2, 1, 0]);

    const page = await laptop.inbox.list({ limit: 1 });
    assert.equal(page.notifications[0]!.title, 'second');
    assert.equal(page.hasMore, true);
    const next = await laptop.inbox.list({ limit: 1, before: page.notifications[0]!.id });
    assert.equal(next.notifications[0]!.title, 'first');
    assert.equal(next.hasMore, false);
  });

  test('topics: subscribe and unsubscribe answer every topic of the user', async () => {
    const { inbox } = await device('tom');
    assert.deepEqual(await inbox.subscribe(['b-topic', 'a-topic']), ['a-topic', 'b-topic']);
    assert.deepEqual(await inbox.unsubscribe(['a-topic']), ['b-topic']);
  });

  test('a failed request rejects with the server code', async () => {
    const { inbox } = await device('una');
    await assert.rejects(inbox.read('ntf_nope'), (e: { code?: string }) => e.code === 'NOT_FOUND');
  });
});
