import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '@switchboard/db';
import { createSwitchboardDriver } from '../load/switchboard-driver.ts';
import type { RunningSystem } from '../load/system.ts';
import { spawnAndWait, waitForHttp } from './processes.ts';

const CLUSTER_ENTRY = path.join(REPO_ROOT, 'packages', 'cli', 'src', 'cluster.ts');
/** The line `npm run cluster` prints once nginx and every process answer. */
const READY_TEXT = 'Switchboard cluster ready';

/** What the cluster runner writes to `$CLUSTER_STATE_DIR/pids.json`. */
const ClusterState = z.object({
  processes: z.array(z.object({ name: z.string(), kind: z.string(), pid: z.number(), port: z.number() })),
});

export function clusterRunnerExists(): boolean {
  return fs.existsSync(CLUSTER_ENTRY);
}

/** (a) The real cluster via `packages/cli/src/cluster.ts`: nginx, GATEWAYS=2 gateways, one process per service. */
export async function startSwitchboard(options: { jwtSecret: string; redisUrl: string; prefix: string; databaseUrl: string }): Promise<RunningSystem> {
  const port = await clusterPort();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-cluster-'));
  const cluster = await spawnAndWait({
    args: ['--import', 'tsx', CLUSTER_ENTRY],
    env: {
      ...process.env,
      PORT: String(port),
      GATEWAYS: '2',
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.prefix,
      DATABASE_URL: options.databaseUrl,
      JWT_SECRET: options.jwtSecret,
      CLUSTER_STATE_DIR: stateDir,
      // Logging every request would measure pino, not the system.
      LOG_LEVEL: 'warn',
    },
    cwd: REPO_ROOT,
    readyText: READY_TEXT,
    timeoutMs: 180_000,
    label: 'npm run cluster',
  });
  const stop = async () => {
    await cluster.stop(30_000);
    fs.rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 10_000);
    const state = ClusterState.parse(JSON.parse(fs.readFileSync(path.join(stateDir, 'pids.json'), 'utf8')));
    const gateways = state.processes.filter((p) => p.kind === 'gateway').map((p) => p.pid);
    if (gateways.length === 0) throw new Error('cluster state lists no gateways');
    return {
      name: 'switchboard',
      url: `http://127.0.0.1:${port}`,
      driver: createSwitchboardDriver(options.jwtSecret),
      gatewayPids: () => gateways,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The runner derives its internal ports from PORT (PORT+1… gateways, PORT+31… services), so
 * look for a base whose whole block is free.
 */
async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = [base, base + 1, base + 2, base + 31, base + 32, base + 33, base + 34];
    const free = await Promise.all(ports.map(isFree));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port block for the cluster');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}
