// CPU per connect, per process of the real cluster, and each process's idle RSS.
//
//   npx tsx --conditions=@switchboard/source services/gateway/bench/connect-cpu.ts [--connections=2000] [--concurrency=100]
//
// Builds and starts the compiled cluster (e2e harness: supervisor, nginx, two gateways, every
// service, a fresh database), reads each process's RSS at idle, then opens N authenticated
// WebSocket clients spread over both gateways (nginx ip_hash) and counts a connect as done at
// `connected` (rooms and unread answered). utime+stime of every process (/proc/<pid>/stat) is read
// before the burst and once the services' fire-and-forget `session:open` work has settled:
// CPU is far less sensitive than latency to the load of this shared machine.
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { percentile, pooled } from '@switchboard/bench';
import { startCluster, withTemplateDatabase } from '@switchboard/e2e';
import { signToken } from '@switchboard/runtime';
import type { Socket } from 'socket.io-client';
import { busHandledByCommand, openClient, statOf } from './cluster-clients.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '100' },
  },
});
const N = Number(values.connections);
const CONCURRENCY = Number(values.concurrency);
const TICKS_PER_SECOND = 100;
const IDLE_SAMPLE_MS = 5000;

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

/** nginx's workers are children of its master: their CPU counts as nginx's. */
function nginxPids(master: number): number[] {
  const pids = [master];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && statOf(pid)?.ppid === master) pids.push(pid);
  }
  return pids;
}

/** Bus entries a process has handled, every command summed. */
async function busHandled(port: number): Promise<number> {
  return [...(await busHandledByCommand(port)).values()].reduce((a, b) => a + b, 0);
}
const handledBy = async (processes: { name: string; port: number }[]) =>
  new Map(await Promise.all(processes.map(async (p) => [p.name, await busHandled(p.port)] as const)));

async function burst(url: string, secret: string, tag: string, n: number) {
  const started = performance.now();
  const results = await pooled(n, CONCURRENCY, (i) =>
    openClient(url, signToken(secret, `cpu-${tag}-${i}`, { name: `u${i}` }), i),
  );
  const seconds = (performance.now() - started) / 1000;
  const ok = results.filter((r): r is { socket: Socket; ms: number } => !(r instanceof Error));
  return { sockets: ok.map((r) => r.socket), ms: ok.map((r) => r.ms), failed: n - ok.length, seconds };
}

async function main(): Promise<void> {
  const cluster = await startCluster({
    gateways: 2,
    env: { HANDSHAKE_LIMIT_PER_IP: '1000000', LOG_LEVEL: 'warn' },
  });
  try {
    const state = await cluster.state();
    const named = new Map<string, number[]>(cluster.processes.map((p) => [p.name, [p.pid]]));
    named.set('nginx', nginxPids(state.nginx.pid));
    named.set('supervisor', [cluster.supervisorPid]);
    await new Promise((r) => setTimeout(r, 3000));
    console.log(
      `idle RSS MB: ${cluster.processes.map((p) => `${p.name}=${rssMb(p.pid)}`).join(' ')} (load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    const warm = await burst(cluster.url, cluster.jwtSecret, 'warm', 100);
    for (const s of warm.sockets) s.close();
    await new Promise((r) => setTimeout(r, 3000));

    const ticks = () =>
      new Map([...named].map(([name, pids]) => [name, pids.reduce((t, pid) => t + (statOf(pid)?.ticks ?? 0), 0)]));
    // What the processes spend idle (timers, heartbeats), per second, taken off below.
    const idleStart = ticks();
    await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
    const before = ticks();
    const idlePerMs = new Map(
      [...named.keys()].map((n) => [n, ((before.get(n) ?? 0) - (idleStart.get(n) ?? 0)) / IDLE_SAMPLE_MS]),
    );
    const idleTotalPerSecond = [...idlePerMs.values()].reduce((a, b) => a + b, 0) * 1000;
    const rssBefore = new Map(cluster.gateways.map((g) => [g.name, rssMb(g.pid)]));
    const handledBefore = await handledBy(cluster.processes);
    const startedAt = performance.now();
    const run = await burst(cluster.url, cluster.jwtSecret, 'run', N);
    // The followers' session:open is fire-and-forget and may still be queued: wait until the
    // cluster is back to its idle CPU (at most 60 s).
    let last = ticks();
    for (let waited = 0; waited < 60_000; waited += 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = ticks();
      const busy = [...now].reduce((t, [n, v]) => t + v - (last.get(n) ?? 0), 0);
      last = now;
      if (busy <= idleTotalPerSecond * 1.5 + 2) break;
    }
    const after = last;
    const elapsedMs = performance.now() - startedAt;
    const connected = run.sockets.length;
    const rows = [...named.keys()].map((name) => {
      const idle = (idlePerMs.get(name) ?? 0) * elapsedMs;
      const ms = (((after.get(name) ?? 0) - (before.get(name) ?? 0) - idle) * 1000) / TICKS_PER_SECOND;
      return { name, msPerConnect: ms / connected };
    });
    const total = rows.reduce((t, r) => t + r.msPerConnect, 0);
    console.log(
      `${connected} connected (${run.failed} failed) in ${run.seconds.toFixed(1)} s: ${(connected / run.seconds).toFixed(1)} connects/s, to \`connected\` p50 ${percentile(run.ms, 50).toFixed(0)} ms p99 ${percentile(run.ms, 99).toFixed(0)} ms (load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    console.log('CPU ms per connect, until the cluster is idle again (its idle CPU taken off):');
    for (const r of rows) console.log(`  ${r.name.padEnd(16)} ${r.msPerConnect.toFixed(3)}`);
    console.log(`  ${'total'.padEnd(16)} ${total.toFixed(3)}`);
    const handledAfter = await handledBy(cluster.processes);
    const entries = cluster.processes.map((p) => {
      const n = ((handledAfter.get(p.name) ?? 0) - (handledBefore.get(p.name) ?? 0)) / connected;
      return `${p.name}=${n.toFixed(2)}`;
    });
    console.log(`bus entries handled per connect: ${entries.join(' ')}`);
    const growth = cluster.gateways.map(
      (g) =>
        `${g.name}=${rssMb(g.pid)} MB (+${(((rssMb(g.pid) - (rssBefore.get(g.name) ?? 0)) * 1024) / (connected / cluster.gateways.length)).toFixed(1)} KiB per socket)`,
    );
    console.log(`gateways' RSS with ${connected} idle sockets: ${growth.join(' ')}`);
    for (const s of run.sockets) s.close();
  } finally {
    await cluster.stop();
  }
}

await withTemplateDatabase('bench_connect', main);
process.exit(0);
