// Measuring helpers for the churn benchmark: a private redis-server (so INFO counts only our
// commands), a client that counts what it sends, and INFO deltas.
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A throwaway redis-server on a free port; the shared one has other clients polluting its stats. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  probe.on('error', () => {}); // refused until the server is up: expected while polling
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await probe.quit();
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export interface SentCounts {
  commands: Map<string, number>;
  publishBytes: number;
}

/** Count every command a connection sends (round trips from the service's point of view). */
export function countSent(redis: Redis): SentCounts {
  const counts: SentCounts = { commands: new Map(), publishBytes: 0 };
  const original = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command, stream) => {
    counts.commands.set(command.name, (counts.commands.get(command.name) ?? 0) + 1);
    if (command.name === 'publish')
      for (const arg of command.args) counts.publishBytes += Buffer.byteLength(arg as string | Buffer);
    return original(command, stream);
  }) as Redis['sendCommand'];
  return counts;
}

export interface ServerStats {
  calls: Map<string, number>;
  cpuSeconds: number;
}

/** Commands executed by the server (including those inside Lua scripts) and its CPU time. */
export async function serverStats(admin: Redis): Promise<ServerStats> {
  const [commandstats, cpu] = await Promise.all([admin.info('commandstats'), admin.info('cpu')]);
  const calls = new Map<string, number>();
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { calls, cpuSeconds: field('used_cpu_sys') + field('used_cpu_user') };
}

/** Difference of two snapshots, leaving out the probe's own INFO calls. */
export function statsDelta(before: ServerStats, after: ServerStats): ServerStats {
  const calls = new Map<string, number>();
  for (const [name, count] of after.calls) {
    if (name === 'info') continue;
    const delta = count - (before.calls.get(name) ?? 0);
    if (delta > 0) calls.set(name, delta);
  }
  return { calls, cpuSeconds: after.cpuSeconds - before.cpuSeconds };
}

export function sum(map: Map<string, number>): number {
  let total = 0;
  for (const value of map.values()) total += value;
  return total;
}
