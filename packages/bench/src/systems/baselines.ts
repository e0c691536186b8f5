import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, REPO_ROOT } from '@switchboard/db';
import { TSX_ARGS } from '@switchboard/testkit';
import { processTree } from '../load/cpu.ts';
import { createRelayDriver } from '../load/relay-driver.ts';
import type { RunningSystem } from '../load/system.ts';
import { createNaiveTable } from './naive-table.ts';
import { startNginx } from './nginx.ts';
import { type ChildHandle, freePort, spawnAndWait } from './processes.ts';
import { READY_MARKER } from './server-entry.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

async function startRelayProcess(entry: string, env: Record<string, string>): Promise<ChildHandle> {
  const port = await freePort();
  return spawnAndWait({
    args: [...TSX_ARGS, path.join(here, entry)],
    env: { ...process.env, ...env, PORT: String(port) },
    cwd: REPO_ROOT,
    readyText: READY_MARKER,
    timeoutMs: 30_000,
    label: entry,
  });
}

function portOf(handle: ChildHandle): number {
  const line = handle
    .tail()
    .split('\n')
    .find((l) => l.includes(READY_MARKER));
  return (JSON.parse(line ?? '{}') as { port: number }).port;
}

/** (b) One plain Socket.IO process; clients connect to it directly. */
export async function startSocketioSingle(jwtSecret: string): Promise<RunningSystem> {
  const server = await startRelayProcess('socketio-single.ts', { JWT_SECRET: jwtSecret });
  return {
    name: 'socketio-single',
    url: `http://127.0.0.1:${portOf(server)}`,
    driver: createRelayDriver(jwtSecret),
    upstreams: 1,
    gatewayPids: () => [server.pid],
    serverPids: () => [server.pid],
    stop: () => server.stop(),
  };
}

export interface RelayPeerOptions {
  jwtSecret: string;
  redisUrl: string;
  prefix: string;
  databaseUrl: string;
}

/** (c) Two relays on the Redis adapter, one insert per message, behind nginx ip_hash. */
export async function startSocketioRedisNaive(options: RelayPeerOptions): Promise<RunningSystem> {
  const db = createDb(options.databaseUrl, { poolSize: 1 });
  try {
    await createNaiveTable(db);
  } finally {
    await db.$disconnect();
  }
  return startRelayPair('socketio-redis-naive', 'socketio-redis-naive.ts', options);
}

/** (d) Two relays on the Redis adapter behind nginx ip_hash, nothing stored: what most teams deploy. */
export function startSocketioRedisPlain(options: RelayPeerOptions): Promise<RunningSystem> {
  return startRelayPair('socketio-redis-plain', 'socketio-redis-plain.ts', options);
}

async function startRelayPair(
  name: RunningSystem['name'],
  entry: string,
  options: RelayPeerOptions,
): Promise<RunningSystem> {
  const env = {
    JWT_SECRET: options.jwtSecret,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.prefix,
    DATABASE_URL: options.databaseUrl,
  };
  const servers = await Promise.all([startRelayProcess(entry, env), startRelayProcess(entry, env)]);
  const port = await freePort();
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  try {
    nginx = await startNginx(port, servers.map(portOf));
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
  const proxy = nginx;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    driver: createRelayDriver(options.jwtSecret),
    upstreams: servers.length,
    gatewayPids: () => servers.map((s) => s.pid),
    serverPids: () => processTree([proxy.pid, ...servers.map((s) => s.pid)]),
    async stop() {
      await proxy.stop();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
