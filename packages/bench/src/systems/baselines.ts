import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, REPO_ROOT } from '@switchboard/db';
import { TSX_ARGS } from '@switchboard/testkit';
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
    gatewayPids: () => [server.pid],
    stop: () => server.stop(),
  };
}

/** (c) Two relays on the Redis adapter, one insert per message, behind nginx ip_hash. */
export async function startSocketioRedisNaive(options: {
  jwtSecret: string;
  redisUrl: string;
  prefix: string;
  databaseUrl: string;
}): Promise<RunningSystem> {
  const db = createDb(options.databaseUrl, { poolSize: 1 });
  try {
    await createNaiveTable(db);
  } finally {
    await db.$disconnect();
  }
  const env = {
    JWT_SECRET: options.jwtSecret,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.prefix,
    DATABASE_URL: options.databaseUrl,
  };
  const servers = await Promise.all([
    startRelayProcess('socketio-redis-naive.ts', env),
    startRelayProcess('socketio-redis-naive.ts', env),
  ]);
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
    name: 'socketio-redis-naive',
    url: `http://127.0.0.1:${port}`,
    driver: createRelayDriver(options.jwtSecret),
    gatewayPids: () => servers.map((s) => s.pid),
    async stop() {
      await proxy.stop();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
