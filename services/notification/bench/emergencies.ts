// Emergency alerts through the real compiled cluster (nginx, two gateways, Redis, Postgres): SOS →
// `emergency:alert` latency to every contact of 10 owned rooms, contacts spread over both
// gateways, and escalation lateness (fired − due) while further SOS fan-outs run. Not a test: it
// measures, on a machine whose two cores the load generator shares with the cluster.
// `npm run bench:emergencies -- [--contacts 100] [--rooms 10] [--alerts 30] [--interval-ms 300] [--escalation 2000:supervisor,4000:admin]`
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
import type { AlertAuditEntry } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { sleep, waitFor } from '@switchboard/testkit';
import { parseEscalationPolicy } from '../src/emergencies/policy.ts';
import { type Arrivals, nowMs, recordArrivals } from './arrivals.ts';
import { escalationLateness } from './lateness.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100' },
    rooms: { type: 'string', default: '10' },
    alerts: { type: 'string', default: '30' },
    'interval-ms': { type: 'string', default: '300' },
    escalation: { type: 'string', default: '2000:supervisor,4000:admin' },
  },
});
const CONTACTS = Number(values.contacts);
const ROOMS = Number(values.rooms);
const ALERTS = Number(values.alerts);
const INTERVAL_MS = Number(values['interval-ms']);
const ESCALATION = values.escalation;
const STEPS = parseEscalationPolicy(ESCALATION);
const WAIT = { timeoutMs: 60_000, intervalMs: 5 };

const phoneOf = (i: number) => `+1555${String(1_000_000 + i).padStart(7, '0')}`;

function ok<T extends { success: boolean }>(ack: T, what: string): Extract<T, { success: true }> {
  if (!ack.success) throw new Error(`${what} refused: ${JSON.stringify(ack)}`);
  return ack as Extract<T, { success: true }>;
}

const ms = (value: number) => value.toFixed(1);
const p50p99 = (samples: number[]) => `${ms(percentile(samples, 50))} / ${ms(percentile(samples, 99))}`;

async function main(): Promise<void> {
  const cluster = await startCluster({ gateways: 2, env: { EMERGENCY_ESCALATION: ESCALATION } });
  const clients: E2eClient[] = [];
  try {
    const token = (userId: string, extra: { phone?: string; role?: string } = {}) =>
      signToken(cluster.jwtSecret, userId, { name: `Bench ${userId}`, ...extra });
    const byGateway = await mapAddressesToGateways(cluster.url, token('address-probe'));
    if (byGateway.size !== 2) throw new Error(`probe addresses landed on ${byGateway.size} gateway(s)`);
    const sides = [...byGateway.values()] as [string[], string[]];
    const connect = async (userId: string, i: number, extra: { phone?: string; role?: string } = {}) => {
      const addresses = sides[i % 2]!;
      const address = addresses[Math.floor(i / 2) % addresses.length]!;
      const client = await connectClient(cluster.url, token(userId, extra), {
        localAddress: address,
        transports: ['websocket'],
      });
      clients.push(client);
      return client;
    };

    // Contacts alternate between the gateways; each one's receipts are kept by alert id.
    const alerts: Arrivals = new Map();
    const escalations: Arrivals = new Map();
    const gatewayOf: string[] = [];
    for (let i = 0; i < CONTACTS; i++) {
      const contact = await connect(`contact${i}`, i, { phone: phoneOf(i) });
      gatewayOf.push(contact.connected().serverId);
      recordArrivals(contact, 'emergency:alert', (a) => a.alertId, alerts);
      recordArrivals(contact, 'emergency:escalated', (e) => `${e.alertId}:${e.level}`, escalations);
    }
    // Owners alternate too; each owns ROOMS rooms whose contacts together are every contact once.
    const owners: E2eClient[] = [];
    const perRoom = Math.ceil(CONTACTS / ROOMS);
    for (let k = 0; k < ALERTS; k++) {
      const owner = await connect(`owner${k}`, k);
      for (let r = 0; r < ROOMS; r++) {
        const emergencyContacts = Array.from({ length: perRoom }, (_, j) => r * perRoom + j)
          .filter((i) => i < CONTACTS)
          .map(phoneOf);
        ok(
          await owner.request('room:create', { type: 'emergency', name: `room ${r}`, emergencyContacts }),
          'room:create',
        );
      }
      owners.push(owner);
    }

    // SOS after SOS at a steady pace; each one's escalation steps fall due while later ones fan out.
    const latencies: number[] = [];
    const acks: number[] = [];
    const byGatewayLatency = new Map<string, number[]>();
    const opened: { alertId: string; createdAt: string; owner: E2eClient; ownerId: string }[] = [];
    const phaseStart = nowMs();
    for (const [k, owner] of owners.entries()) {
      await sleep(Math.max(0, phaseStart + k * INTERVAL_MS - nowMs()));
      const sent = nowMs();
      const { alertId, alert } = ok(await owner.request('emergency:sos', { type: 'MEDICAL' }), 'emergency:sos');
      acks.push(nowMs() - sent);
      opened.push({ alertId, createdAt: alert.createdAt, owner, ownerId: `owner${k}` });
      const arrived = await waitFor(
        () => {
          const list = alerts.get(alertId);
          return list && list.length === CONTACTS ? list : undefined;
        },
        { ...WAIT, what: `all ${CONTACTS} contacts alerted` },
      );
      for (const { at, client } of arrived) {
        latencies.push(at - sent);
        const gateway = client.connected().serverId;
        byGatewayLatency.set(gateway, [...(byGatewayLatency.get(gateway) ?? []), at - sent]);
      }
    }
    const lastStep = STEPS.at(-1)!;
    await waitFor(() => opened.every((o) => escalations.get(`${o.alertId}:${lastStep.level}`)?.length === CONTACTS), {
      ...WAIT,
      what: 'every escalation step received by every contact',
    });
    const [load1, load5] = os.loadavg();

    // Fired − due from the audit (the server's clock), and from the contacts' first receipt.
    const fired: number[] = [];
    const received: number[] = [];
    for (const { alertId, createdAt, ownerId } of opened) {
      const response = await fetch(`${cluster.url}/api/alerts/${alertId}`, {
        headers: { authorization: `Bearer ${token(ownerId)}` },
      });
      if (response.status !== 200) throw new Error(`GET /api/alerts/${alertId} answered ${response.status}`);
      const { audit } = (await response.json()) as { audit: AlertAuditEntry[] };
      const firstReceipt = (level: number) => {
        const times = escalations.get(`${alertId}:${level}`)?.map((a) => a.at) ?? [];
        return times.length > 0 ? Math.min(...times) : undefined;
      };
      for (const step of escalationLateness(createdAt, STEPS, audit, firstReceipt)) {
        fired.push(step.firedMs);
        if (step.receivedMs !== undefined) received.push(step.receivedMs);
      }
    }
    for (const { alertId, owner } of opened)
      ok(await owner.request('emergency:resolve', { alertId }), 'emergency:resolve');

    const perGateway = [...byGatewayLatency.entries()].map(
      ([id, samples]) => `${id}: ${samples.length} receipts, p50 / p99 ${p50p99(samples)} ms`,
    );
    console.log(
      `\nnginx → 2 gateways, notification ×1, Redis, Postgres; ${ALERTS} SOS one every ${INTERVAL_MS} ms, each to ${CONTACTS} contacts of ${ROOMS} owned rooms (contacts on both gateways: ${new Set(gatewayOf).size}); EMERGENCY_ESCALATION=${ESCALATION}; one machine, ${os.cpus().length} cores shared with the load generator`,
    );
    console.log(`load average after the run: ${load1!.toFixed(2)} (1 min), ${load5!.toFixed(2)} (5 min)`);
    for (const line of perGateway) console.log(`  ${line}`);
    console.log('\n| measure | figure |');
    console.log('|---|---:|');
    console.log(
      `| SOS → \`emergency:alert\` at each contact, p50 / p99 ms (${latencies.length} receipts) | ${p50p99(latencies)} |`,
    );
    console.log(`| … max ms | ${ms(Math.max(...latencies))} |`);
    console.log(
      `| SOS ack (alert, audit and timer rows committed), p50 / p99 ms (${acks.length} SOS) | ${p50p99(acks)} |`,
    );
    console.log(
      `| escalation fired − due (audit \`at\` − createdAt − delay), p50 / p99 ms (${fired.length} steps) | ${p50p99(fired)} |`,
    );
    console.log(
      `| escalation received − due (first contact's \`emergency:escalated\`), p50 / p99 ms | ${p50p99(received)} |`,
    );
    console.log(`| … max received − due, ms | ${ms(Math.max(...received))} |`);
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
}

await withTemplateDatabase('bench_emergencies', main);
