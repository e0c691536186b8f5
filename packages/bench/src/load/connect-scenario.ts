import { performance } from 'node:perf_hooks';
import type { ScenarioResult } from '../report/results.ts';
import { rssKb } from '../systems/processes.ts';
import { closeAll, localAddressFor, pooled } from './clients.ts';
import { startCpuMeter } from './cpu.ts';
import type { BenchClient } from './driver.ts';
import { percentile, round } from './latency.ts';
import type { RunningSystem } from './system.ts';

export interface ConnectOptions {
  connections: number;
  /** Handshakes in flight at once (a storm, but not a SYN flood of the loopback). */
  concurrency: number;
  /** Idle time before reading RSS, so the servers finish per-socket setup. */
  settleMs: number;
}

/** Open one client and time its handshake (until the server accepted it). */
export async function timedOpen(
  system: RunningSystem,
  token: string,
  index: number,
): Promise<{ client: BenchClient; handshakeMs: number }> {
  const started = performance.now();
  const client = await system.driver.open(system.url, token, localAddressFor(index, system.upstreams));
  return { client, handshakeMs: performance.now() - started };
}

/**
 * Connection storm and memory per connection: open N authenticated sockets (handshake time per
 * socket, connects per second, failures), leave them idle, and compare the gateways' RSS.
 * For this row `lost` counts failed handshakes.
 */
export async function runConnect(
  system: RunningSystem,
  options: ConnectOptions,
  nonce: string,
  name: 'connect' | 'idle-10k' = 'connect',
): Promise<ScenarioResult> {
  const tokens = Array.from({ length: options.connections }, (_, i) => system.driver.token(`bench-c-${nonce}-${i}`));
  await warmUp(system, nonce);
  const pids = system.gatewayPids();
  const before = pids.map(rssKb);
  const cpu = startCpuMeter(system.serverPids());
  const started = performance.now();
  const results = await pooled(options.connections, options.concurrency, (i) => timedOpen(system, tokens[i]!, i));
  const elapsedSec = (performance.now() - started) / 1000;
  const sockets: BenchClient[] = [];
  const handshakes: number[] = [];
  const errors = new Map<string, number>();
  for (const result of results) {
    if (result instanceof Error) errors.set(result.message, (errors.get(result.message) ?? 0) + 1);
    else {
      sockets.push(result.client);
      handshakes.push(result.handshakeMs);
    }
  }
  await new Promise((r) => setTimeout(r, options.settleMs));
  // Over the storm and the settle: what the servers do for a connect after the handshake
  // (Switchboard's session set-up) counts too.
  const cpuOfConnects = cpu();
  const after = pids.map(rssKb);
  const rssBefore = sum(before);
  const rssAfter = sum(after);
  closeAll(sockets);
  // Let the servers notice the closes before the next scenario connects.
  await new Promise((r) => setTimeout(r, Math.min(5000, 500 + sockets.length / 5)));
  return {
    name,
    system: system.name,
    connections: options.connections,
    rate: round(sockets.length / elapsedSec),
    p50Ms: round(percentile(handshakes, 50)),
    p99Ms: round(percentile(handshakes, 99)),
    deliveredPerSec: null,
    lost: options.connections - sockets.length,
    rssPerConnectionKb: sockets.length > 0 ? round((rssAfter - rssBefore) / sockets.length) : null,
    cpuMsPer1kDeliveries: null,
    details: {
      gateways: pids.length,
      serverCpuMsPerConnect: sockets.length > 0 ? round(cpuOfConnects.serverMs / sockets.length, 3) : null,
      serverCpuMsByProcess: Object.fromEntries(
        Object.entries(cpuOfConnects.serverMsByProcess).map(([label, ms]) => [label, round(ms)]),
      ),
      redisCpuMs: round(cpuOfConnects.redisMs),
      postgresCpuMs: round(cpuOfConnects.postgresMs),
      failures: Object.fromEntries(errors),
      rssBeforeKb: rssBefore,
      rssAfterKb: rssAfter,
      // Per gateway, to show that ip_hash spread the clients.
      rssGrowthKbPerGateway: after.map((kb, i) => kb - before[i]!),
    },
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** A few untimed connections first, so neither side pays JIT and pool warm-up in the figures. */
async function warmUp(system: RunningSystem, nonce: string): Promise<void> {
  const opened = await pooled(40, 10, (i) => timedOpen(system, system.driver.token(`bench-w-${nonce}-${i}`), i));
  closeAll(opened.flatMap((o) => (o instanceof Error ? [] : [o.client])));
  await new Promise((r) => setTimeout(r, 500));
}
