// Call signaling through the real compiled cluster (nginx, two gateways, Redis, Postgres), caller
// on one gateway and callee on the other. Not a test: it measures, on a machine whose two cores
// the load generator shares with the cluster.
// `npm run bench:calls -- [--pairs 20] [--seconds 20] [--signals 100] [--replicas 1]`
import os from 'node:os';
import { parseArgs } from 'node:util';
import { percentile } from '@switchboard/bench';
import {
  connectClient,
  type E2eClient,
  mapAddressesToGateways,
  startCluster,
  withTemplateDatabase,
} from '@switchboard/e2e';
import { signToken } from '@switchboard/runtime';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    signals: { type: 'string', default: '100' },
    replicas: { type: 'string', default: '1' },
  },
});
const PAIRS = Number(values.pairs);
const SECONDS = Number(values.seconds);
const SIGNALS = Number(values.signals);
const REPLICAS = Number(values.replicas);
const WAIT = 30_000;

interface Pair {
  caller: E2eClient;
  callee: E2eClient;
  calleeId: string;
}

function ok<T extends { success: boolean }>(ack: T, what: string): Extract<T, { success: true }> {
  if (!ack.success) throw new Error(`${what} refused: ${JSON.stringify(ack)}`);
  return ack as Extract<T, { success: true }>;
}

/** Where a set-up's time goes: ms from initiate to each step the two clients see. */
interface SetUpSteps {
  initiateAck: number;
  incoming: number;
  acceptAck: number;
  accepted: number;
}

/** One call from ring to accepted; returns its callId and the ms from initiate to each step. */
async function setUp(pair: Pair): Promise<{ callId: string; ms: number; steps: SetUpSteps }> {
  const start = performance.now();
  const since = () => performance.now() - start;
  // Listeners before the request: the incoming event can overtake the initiate ack.
  const incoming = pair.callee.next('call:incoming', WAIT).then((e) => ({ e, at: since() }));
  const accepted = pair.caller.next('call:accepted', WAIT);
  const { callId } = ok(
    await pair.caller.request('call:initiate', { recipientId: pair.calleeId, callType: 'audio' }),
    'call:initiate',
  );
  const initiateAck = since();
  const ring = await incoming;
  if (ring.e.callId !== callId) throw new Error('call:incoming for another call');
  ok(await pair.callee.request('call:accept', { callId }), 'call:accept');
  const acceptAck = since();
  await accepted;
  const ms = since();
  return { callId, ms, steps: { initiateAck, incoming: ring.at, acceptAck, accepted: ms } };
}

async function hangUp(pair: Pair, callId: string): Promise<void> {
  const ended = pair.callee.next('call:ended', WAIT, (e) => e.callId === callId);
  ok(await pair.caller.request('call:end', { callId }), 'call:end');
  await ended;
}

/** Every pair runs set-up → hang-up cycles back to back until the time is up. */
async function setUpRate(pairs: Pair[]): Promise<{ perSecond: number; setups: number[]; steps: SetUpSteps[] }> {
  const setups: number[] = [];
  const steps: SetUpSteps[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    pairs.map(async (pair) => {
      while (performance.now() < deadline) {
        const { callId, ms, steps: one } = await setUp(pair);
        setups.push(ms);
        steps.push(one);
        await hangUp(pair, callId);
      }
    }),
  );
  return { perSecond: setups.length / ((performance.now() - start) / 1000), setups, steps };
}

/** In accepted calls, each caller sends `SIGNALS` ICE candidates one after another; the callee's receipt times it. */
async function signalRelay(pairs: Pair[]): Promise<number[]> {
  const calls = await Promise.all(pairs.map(async (pair) => ({ pair, callId: (await setUp(pair)).callId })));
  const latencies: number[] = [];
  await Promise.all(
    calls.map(async ({ pair, callId }) => {
      for (let i = 0; i < SIGNALS; i++) {
        const candidate = `candidate:${i}`;
        const received = pair.callee.next('call:signal', WAIT, (e) => {
          const signal = e.signal as { candidate?: string } | undefined;
          return e.callId === callId && signal?.candidate === candidate;
        });
        const sent = performance.now();
        const ack = pair.caller.request('call:signal', { callId, signalType: 'ice-candidate', signal: { candidate } });
        await received;
        latencies.push(performance.now() - sent);
        ok(await ack, 'call:signal');
      }
    }),
  );
  await Promise.all(calls.map(({ pair, callId }) => hangUp(pair, callId)));
  return latencies;
}

const ms = (value: number) => value.toFixed(1);

async function main(): Promise<void> {
  const cluster = await startCluster({
    gateways: 2,
    replicas: { 'call-signaling': REPLICAS },
    // The per-user limits would cap a pair at a few calls a second: raised so this measures the path.
    env: { RATE_LIMIT_WRITE: '1000000', RATE_LIMIT_SIGNAL: '1000000' },
  });
  const clients: E2eClient[] = [];
  try {
    const token = (userId: string) => signToken(cluster.jwtSecret, userId, { name: `Bench ${userId}` });
    const byGateway = await mapAddressesToGateways(cluster.url, token('address-probe'));
    if (byGateway.size !== 2) throw new Error(`probe addresses landed on ${byGateway.size} gateway(s)`);
    const [onA, onB] = [...byGateway.values()] as [string[], string[]];
    const connect = async (userId: string, localAddress: string) => {
      const client = await connectClient(cluster.url, token(userId), { localAddress, transports: ['websocket'] });
      clients.push(client);
      return client;
    };
    const pairs: Pair[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const caller = await connect(`caller${i}`, onA[i % onA.length]!);
      const callee = await connect(`callee${i}`, onB[i % onB.length]!);
      if (caller.connected().serverId === callee.connected().serverId)
        throw new Error('caller and callee on one gateway');
      ok(
        await caller.request('room:create', { type: 'group', name: `pair ${i}`, memberIds: [`callee${i}`] }),
        'room:create',
      );
      pairs.push({ caller, callee, calleeId: `callee${i}` });
    }
    // Warm-up: one call per pair (JIT, connection pools), not counted.
    await Promise.all(pairs.map(async (pair) => hangUp(pair, (await setUp(pair)).callId)));

    const rate = await setUpRate(pairs);
    const relay = await signalRelay(pairs);
    const [load1, load5] = os.loadavg();

    console.log(
      `\nnginx → 2 gateways, call-signaling ×${REPLICAS}, Redis, Postgres; ${PAIRS} pairs, caller on one gateway, callee on the other; one machine, ${os.cpus().length} cores shared with the load generator`,
    );
    console.log(`load average after the run: ${load1!.toFixed(2)} (1 min), ${load5!.toFixed(2)} (5 min)\n`);
    console.log('| measure | figure |');
    console.log('|---|---:|');
    console.log(
      `| call set-ups per second (initiate → incoming → accept → accepted, then hang-up; ${SECONDS} s, ${PAIRS} pairs at once) | ${rate.perSecond.toFixed(1)} |`,
    );
    console.log(`| … set-ups completed | ${rate.setups.length} |`);
    console.log(
      `| … set-up time p50 / p99, ms | ${ms(percentile(rate.setups, 50))} / ${ms(percentile(rate.setups, 99))} |`,
    );
    const step = (key: keyof SetUpSteps) =>
      ms(
        percentile(
          rate.steps.map((one) => one[key]),
          50,
        ),
      );
    console.log(
      `| … median ms from initiate to: initiate ack / callee's \`call:incoming\` / accept ack / caller's \`call:accepted\` | ${step('initiateAck')} / ${step('incoming')} / ${step('acceptAck')} / ${step('accepted')} |`,
    );
    console.log(
      `| \`call:signal\` relay caller → callee across gateways, p50 / p99 ms (${relay.length} signals, ${PAIRS} calls at once) | ${ms(percentile(relay, 50))} / ${ms(percentile(relay, 99))} |`,
    );
    console.log(`| … max ms | ${ms(Math.max(...relay))} |`);
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
}

await withTemplateDatabase('bench_calls', main);
