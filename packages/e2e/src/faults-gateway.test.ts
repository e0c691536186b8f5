// Fault (a): the gateway a member is connected to is SIGKILLed while another member sends 200
// messages. The member's SDK reconnects through nginx to the surviving gateway, syncs, and ends
// with every acknowledged message exactly once, in seq order.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type ClientOptions, createClient, type SwitchboardClient } from '@switchboard/client';
import type { Message } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import { type RunningCluster, startCluster } from './cluster-harness.ts';

/** One source address per /24: nginx's ip_hash spreads these over the gateways. */
const ADDRESSES = [1, 2, 3, 4, 5, 6].map((n) => `127.0.${n}.1`);
const BURST = 200;

interface Member {
  client: SwitchboardClient;
  seen: Message[];
  servers: string[];
  agent: http.Agent;
  /** Raw `message:new` events: what arrived live, before the SDK's ordering and recovery. */
  live: number;
}

describe('SIGKILL of a member’s gateway while messages flow', () => {
  let cluster: RunningCluster;
  const members: Member[] = [];

  before(async () => {
    // The burst is one user sending 200 messages: above the default per-user write limit.
    cluster = await startCluster({ gateways: 2, env: { RATE_LIMIT_WRITE: '100000' } });
  });

  after(async () => {
    for (const m of members) {
      m.client.close();
      m.agent.destroy();
    }
    await cluster?.stop();
  });

  /** An SDK client bound to a source address (so we know which gateway nginx picks). */
  async function member(userId: string, localAddress: string): Promise<Member> {
    const agent = new http.Agent({ localAddress, keepAlive: true });
    const socketOptions = {
      agent,
      localAddress,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
    } as unknown as ClientOptions['socketOptions'];
    const client = createClient({
      url: cluster.url,
      token: signToken(cluster.jwtSecret, userId, { name: userId }),
      socketOptions,
    });
    const m: Member = { client, seen: [], servers: [], agent, live: 0 };
    client.on('message:new', () => void (m.live += 1));
    members.push(m);
    client.on('connected', ({ serverId }) => void m.servers.push(serverId));
    client.onMessage('*', (message) => m.seen.push(message));
    await client.synced();
    return m;
  }

  test('the member on the killed gateway ends with every acked message once, in order', async (t) => {
    const bob = await member('bob', ADDRESSES[0]!);
    let alice: Member | undefined;
    for (const address of ADDRESSES.slice(1)) {
      const candidate = await member(`alice-${address}`, address);
      if (candidate.servers[0] !== bob.servers[0]) {
        alice = candidate;
        break;
      }
    }
    assert.ok(alice, `every address landed on ${bob.servers[0]}`);
    const victim = cluster.gateways.find((g) => g.name === bob.servers[0]);
    assert.ok(victim, `bob's gateway ${bob.servers[0]} is in the cluster`);

    const room = await alice.client.createRoom({ type: 'group', name: 'crash', memberIds: ['bob'] });
    await waitFor(() => bob.client.joinedRooms().includes(room.id), { what: 'bob follows the room' });

    const acked: Message[] = [];
    const failed: unknown[] = [];
    let next = 1;
    let killed = false;
    const sender = async () => {
      while (next <= BURST) {
        const i = next++;
        try {
          acked.push(await alice!.client.sendMessage({ roomId: room.id, content: `burst ${i}` }));
        } catch (error) {
          failed.push(error);
        }
        if (!killed && acked.length >= 40) {
          killed = true;
          cluster.kill(victim.pid);
        }
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    assert.ok(killed, 'the gateway was killed mid-burst');
    t.diagnostic(
      `acked ${acked.length}/${BURST}; failed: ${failed.map((e) => (e as { code?: string }).code ?? String(e)).join(', ') || 'none'}`,
    );
    // Alice's own gateway survives, so each of her sends is acked.
    assert.equal(acked.length, BURST);

    const maxSeq = Math.max(...acked.map((m) => m.seq));
    await waitFor(() => (bob.client.cursors()[room.id] ?? 0) >= maxSeq, {
      timeoutMs: 60_000,
      what: `bob reaches seq ${maxSeq}`,
    });
    const bobSeqs = bob.seen.filter((m) => m.roomId === room.id).map((m) => m.seq);
    assert.deepEqual(
      bobSeqs,
      Array.from({ length: bobSeqs.length }, (_, i) => i + 1),
      'in seq order, no gaps, no repeats',
    );
    const bobIds = new Set(bob.seen.map((m) => m.id));
    assert.equal(bobIds.size, bob.seen.length, 'no message delivered twice');
    const missing = acked.filter((m) => !bobIds.has(m.id));
    assert.deepEqual(
      missing.map((m) => m.seq),
      [],
      'every acked message reached bob',
    );
    t.diagnostic(`bob: ${bob.live} messages live, ${bob.seen.length - bob.live} recovered by sync/fill`);
    assert.ok(bob.live < BURST, 'bob missed messages live (the recovery path was exercised)');
    assert.ok(bob.servers.length >= 2, 'bob reconnected');
    assert.notEqual(bob.servers.at(-1), victim.name, 'bob now lives on the surviving gateway');
  });
});
