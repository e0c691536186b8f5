// Issue 9 item 4: a SIGKILLed gateway sends no `session:close`, yet its call parties still end
// `connection_lost`: presence notices the dead gateway's sockets (reap, or the restarted gateway's
// first heartbeat) and tells call-signaling, whose reconnect grace then runs as for a disconnect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Call } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, startCluster } from './cluster-harness.ts';
import { mapAddressesToGateways, requestJson } from './presence-helpers.ts';

const GRACE_MS = 2000;
const OFFLINE_AFTER_MS = 3000;
const WAIT = 60_000;

describe('a call whose callee gateway is SIGKILLed ends connection_lost', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  let onA: string[];
  let onB: string[];

  const token = (userId: string) => signToken(cluster.jwtSecret, userId, { name: `User ${userId}` });

  before(async () => {
    cluster = await startCluster({
      gateways: 2,
      env: { CALL_RECONNECT_GRACE_MS: String(GRACE_MS), PRESENCE_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS) },
    });
    const byGateway = await mapAddressesToGateways(cluster.url, token('address-probe'));
    assert.equal(byGateway.size, 2, `all probe addresses on one gateway: ${JSON.stringify([...byGateway])}`);
    [onA, onB] = [...byGateway.values()] as [string[], string[]];
  });

  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  test('accepted call, callee gateway killed: the caller gets call:ended connection_lost', async () => {
    const alice = await connectClient(cluster.url, token('alice'), { localAddress: onA[0]! });
    // No reconnection: the callee's device is gone with its gateway (a reconnect would take over).
    const bob = await connectClient(cluster.url, token('bob'), { localAddress: onB[0]!, reconnection: false });
    clients.push(alice, bob);
    const victim = cluster.gateways.find((g) => g.name === bob.connected().serverId);
    assert.ok(victim, `bob's gateway ${bob.connected().serverId} is in the cluster`);
    assert.notEqual(alice.connected().serverId, victim.name, 'alice survives on the other gateway');

    const room = await alice.request('room:create', { type: 'group', name: 'gateway death', memberIds: ['bob'] });
    assert.equal(room.success, true, JSON.stringify(room));
    const incoming = bob.next('call:incoming', WAIT);
    const initiated = await alice.request('call:initiate', { recipientId: 'bob', callType: 'audio' });
    assert.ok(initiated.success, JSON.stringify(initiated));
    const { callId } = initiated;
    await incoming;
    const accepted = alice.next('call:accepted', WAIT, (e) => e.callId === callId);
    const accept = await bob.request('call:accept', { callId });
    assert.equal(accept.success, true, JSON.stringify(accept));
    await accepted;

    const ended = alice.next('call:ended', WAIT, (e) => e.callId === callId);
    const killedAt = Date.now();
    cluster.kill(victim.pid);
    const event = await ended;
    assert.equal(event.reason, 'connection_lost', JSON.stringify(event));
    assert.ok(Date.now() - killedAt >= GRACE_MS, 'not before the reconnect grace');

    const log = await requestJson(`${cluster.url}/api/calls?limit=1`, 'GET', token('alice'));
    const [call] = log.body.calls as Call[];
    assert.deepEqual([call?.callId, call?.state, call?.reason], [callId, 'ended', 'connection_lost']);
  });
});
