import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import type { ScenarioResult } from '../report/results.ts';
import { rssKb } from '../systems/processes.ts';
import { closeAll, localAddressFor, openSocket, pooled } from './clients.ts';
import { percentile, round } from './latency.ts';
import type { RunningSystem } from './system.ts';

export interface ConnectOptions {
  connections: number;
  /** Handshakes in flight at once (a storm, but not a SYN flood of the loopback). */
  concurrency: number;
  /** Idle time before reading RSS, so the servers finish per-socket setup. */
  settleMs: number;
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
): Promise<ScenarioResult> {
  const tokens = Array.from({ length: options.connections }, (_, i) => system.driver.token(`bench-c-${nonce}-${i}`));
  await warmUp(system, nonce);
  const pids = system.gatewayPids();
  const before = pids.map(rssKb);
  const started = performance.now();
  const results = await pooled(options.connections, options.concurrency, (i) =>
    openSocket(system.url, tokens[i]!, localAddressFor(i)),
  );
  const elapsedSec = (performance.now() - started) / 1000;
  const sockets: Socket[] = [];
  const handshakes: number[] = [];
  const errors = new Map<string, number>();
  for (const result of results) {
    if (result instanceof Error) errors.set(result.message, (errors.get(result.message) ?? 0) + 1);
    else {
      sockets.push(result.socket);
      handshakes.push(result.handshakeMs);
    }
  }
  await new Promise((r) => setTimeout(r, options.settleMs));
  const after = pids.map(rssKb);
  const rssBefore = sum(before);
  const rssAfter = sum(after);
  closeAll(sockets);
  await new Promise((r) => setTimeout(r, 500));
  return {
    name: 'connect',
    system: system.name,
    connections: options.connections,
    rate: round(sockets.length / elapsedSec),
    p50Ms: round(percentile(handshakes, 50)),
    p99Ms: round(percentile(handshakes, 99)),
    deliveredPerSec: null,
    lost: options.connections - sockets.length,
    rssPerConnectionKb: sockets.length > 0 ? round((rssAfter - rssBefore) / sockets.length) : null,
    details: {
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
  const opened = await pooled(40, 10, (i) =>
    openSocket(system.url, system.driver.token(`bench-w-${nonce}-${i}`), localAddressFor(i)),
  );
  closeAll(opened.flatMap((o) => (o instanceof Error ? [] : [o.socket])));
  await new Promise((r) => setTimeout(r, 500));
}
