// user.online / user.offline survive a SIGKILL of presence (PROTOCOL.md, Webhooks: "at least once
// from a durable outbox"): a real cluster whose presence relays its journal only at start and
// every 10 minutes, so the crossing is still only in the Redis journal when presence is killed;
// the process the supervisor starts in its place relays it, and the receiver gets it, signed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signToken } from '@switchboard/runtime';
import { newWebhookSecret, sleep, WebhookReceiver, waitFor } from '@switchboard/testkit';
import { connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, startCluster } from './cluster-harness.ts';

const WAIT = { timeoutMs: 30_000 };

describe('presence webhooks through a SIGKILL of presence', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  const secret = newWebhookSecret();
  const receiver = new WebhookReceiver(secret, ['ok']);
  const about = (userId: string) => receiver.received.filter((w) => w.body.data.userId === userId);

  before(async () => {
    await receiver.start();
    cluster = await startCluster({
      gateways: 1,
      env: {
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: secret,
        WEBHOOK_RETRY_DELAYS_MS: Array(20).fill(500).join(','),
        PRESENCE_WEBHOOK_RELAY_MS: '600000',
      },
    });
  });
  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
    await receiver.stop();
  });

  test('a user.online journaled but not yet relayed when presence is killed is delivered after its restart', async () => {
    const userId = 'kill-presence-ivy';
    const client = await connectClient(cluster.url, signToken(cluster.jwtSecret, userId, { name: 'Ivy' }));
    clients.push(client);
    // Presence has decided the crossing (the socket is online for it) but relays only at start.
    await sleep(1500);
    assert.deepEqual(about(userId), [], 'not relayed before the kill: this run tests the journal, not the relay tick');

    const presence = (await cluster.state()).processes.find((p) => p.service === 'presence')!;
    cluster.kill(presence.pid);
    await cluster.waitForRestart(presence.name, presence.pid);

    await waitFor(() => about(userId).length > 0, { ...WAIT, what: 'user.online after the restart' });
    const [online] = about(userId);
    assert.equal(online?.body.type, 'user.online');
    assert.equal(online?.body.data.status, 'online');
    assert.ok(online?.signatureValid, 'signed');
    await sleep(1000);
    assert.equal(about(userId).length, 1, 'once');
  });
});
