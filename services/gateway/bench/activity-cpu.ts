// CPU of activity reports, per process of the real cluster, and the bus entries they cost.
//
//   npx tsx --conditions=@switchboard/source services/gateway/bench/activity-cpu.ts [--connections=3000] [--seconds=30]
//
// Starts the compiled cluster (e2e harness: supervisor, nginx, two gateways, every service, a
// fresh database) and opens N authenticated WebSocket clients over both gateways. Then every
// client emits one event a second for `seconds` (a `typing:start` for a room it is not in, which
// the gateway drops after counting it as activity), so each socket's activity is reported once
// per throttle window (15 s). utime+stime of every process and of Redis over that phase (the
// same events in every run: compare runs, before and after a change), beside the cluster's idle
// CPU over the same time, and the bus entries presence handled (a count, unmoved by the
// machine's load).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { pidsByName, pooled } from '@switchboard/bench';
import { startCluster, withTemplateDatabase } from '@switchboard/e2e';
import { signToken } from '@switchboard/runtime';
import type { Socket } from 'socket.io-client';
import { busHandledByCommand, openClient, statOf } from './cluster-clients.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '30' },
  },
});
const N = Number(values.connections);
const SECONDS = Number(values.seconds);
const TICKS_PER_SECOND = 100;
const IDLE_SAMPLE_MS = 5000;

async function main(): Promise<void> {
  const cluster = await startCluster({ gateways: 2, env: { HANDSHAKE_LIMIT_PER_IP: '1000000', LOG_LEVEL: 'warn' } });
  try {
    const results = await pooled(N, 100, (i) =>
      openClient(cluster.url, signToken(cluster.jwtSecret, `act-${i}`, { name: `u${i}` }), i).then((c) => c.socket),
    );
    const sockets = results.filter((r): r is Socket => !(r instanceof Error));
    console.log(`${sockets.length} connected (${N - sockets.length} failed)`);
    // The machine's shared Redis: its CPU is the bus's and the presence store's.
    const [redis] = pidsByName(['redis-server']);
    const pids = new Map<string, number[]>(cluster.processes.map((p) => [p.name, [p.pid]]));
    if (redis !== undefined) pids.set('redis', [redis]);
    const ticks = () =>
      new Map([...pids].map(([name, list]) => [name, list.reduce((t, pid) => t + (statOf(pid)?.ticks ?? 0), 0)]));
    // The services' fire-and-forget session work settles; then the cluster idles with the sockets.
    await new Promise((r) => setTimeout(r, 5000));
    const idleStart = ticks();
    await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
    const before = ticks();
    const presence = cluster.processes.find((p) => p.name === 'presence');
    if (!presence) throw new Error('no presence process in the cluster');
    const handledBefore = await busHandledByCommand(presence.port);

    const started = performance.now();
    const speaking = setInterval(() => {
      for (const s of sockets) s.emit('typing:start', { roomId: 'not-a-member' });
    }, 1000);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    clearInterval(speaking);
    await new Promise((r) => setTimeout(r, 1500)); // the last window's report
    const elapsedMs = performance.now() - started;
    const after = ticks();
    const handledAfter = await busHandledByCommand(presence.port);
    const reports = (handledAfter.get('presence:activity') ?? 0) - (handledBefore.get('presence:activity') ?? 0);
    const batches = (handledAfter.get('presence:activities') ?? 0) - (handledBefore.get('presence:activities') ?? 0);
    console.log(
      `${SECONDS} s of one event a second per socket (load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}): presence handled ${reports} presence:activity and ${batches} presence:activities entries`,
    );
    console.log('CPU ms over the phase (and what the same process spent idle over as long):');
    let total = 0;
    let totalIdle = 0;
    for (const name of pids.keys()) {
      const idle =
        (((before.get(name) ?? 0) - (idleStart.get(name) ?? 0)) * 1000 * elapsedMs) / IDLE_SAMPLE_MS / TICKS_PER_SECOND;
      const ms = (((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000) / TICKS_PER_SECOND;
      total += ms;
      totalIdle += idle;
      console.log(`  ${name.padEnd(16)} ${ms.toFixed(0).padStart(6)}  (idle ${idle.toFixed(0)})`);
    }
    console.log(`  ${'total'.padEnd(16)} ${total.toFixed(0).padStart(6)}  (idle ${totalIdle.toFixed(0)})`);
    for (const s of sockets) s.close();
  } finally {
    await cluster.stop();
  }
}

await withTemplateDatabase('bench_activity', main);
process.exit(0);
