import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreeClusterPort } from '@switchboard/cli';
import { REPO_ROOT } from '@switchboard/db';
import { z } from 'zod';
import { processTree } from '../load/cpu.ts';
import { createSwitchboardDriver } from '../load/switchboard-driver.ts';
import type { RunningSystem } from '../load/system.ts';
import { rssKb, spawnAndWait, waitForHttp } from './processes.ts';

/** `npm run cluster`'s compiled supervisor (`npm run bench` builds first): children run from dist/ too. */
const CLUSTER_ENTRY = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'cluster.js');
/** The line `npm run cluster` prints once nginx and every process answer. */
const READY_TEXT = 'Switchboard cluster ready';

/** What the cluster runner writes to `$CLUSTER_STATE_DIR/pids.json`. */
const ClusterState = z.object({
  processes: z.array(z.object({ name: z.string(), kind: z.string(), pid: z.number(), port: z.number() })),
});

export function clusterRunnerExists(): boolean {
  return fs.existsSync(CLUSTER_ENTRY);
}

/** (a) The real cluster via the compiled `packages/cli/src/cluster.ts`: nginx, GATEWAYS=2 gateways, one process per service. */
export async function startSwitchboard(options: {
  jwtSecret: string;
  redisUrl: string;
  prefix: string;
  databaseUrl: string;
}): Promise<RunningSystem> {
  const port = await findFreeClusterPort(2);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-cluster-'));
  const cluster = await spawnAndWait({
    args: [CLUSTER_ENTRY],
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
      // Set-up only: creating the 500-member room on a loaded shared machine took longer than the
      // default 5 s deadline. Sends answer in milliseconds; a longer deadline changes none of them.
      BUS_TIMEOUT_MS: process.env.BUS_TIMEOUT_MS ?? '30000',
      // The peers limit nothing: one sender at 100 msg/s is 10× the default per-user write budget
      // (RATE_LIMIT_WRITE, 100 per 10 s), which would turn most sends into RATE_LIMITED acks.
      RATE_LIMIT_WRITE: process.env.RATE_LIMIT_WRITE ?? '1000000',
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
    // Names for the pids in CPU profiles (CLUSTER_NODE_ARGS=--cpu-prof writes CPU.<date>.<pid>.…).
    process.stdout.write(
      `bench | switchboard: processes ${state.processes.map((p) => `${p.name}=${p.pid}`).join(' ')}\n`,
    );
    // Each process's footprint before any load (issue 14: idle processes' RSS, measured).
    process.stdout.write(
      `bench | switchboard: idle RSS MB ${state.processes.map((p) => `${p.name}=${Math.round(rssKb(p.pid) / 1024)}`).join(' ')}\n`,
    );
    return {
      name: 'switchboard',
      url: `http://127.0.0.1:${port}`,
      driver: createSwitchboardDriver(options.jwtSecret),
      upstreams: gateways.length,
      gatewayPids: () => gateways,
      // The supervisor, nginx (master and workers) and every service process.
      serverPids: () => processTree([cluster.pid]),
      scrapeMetrics: () =>
        Promise.all(
          state.processes
            .filter((p) => p.kind === 'gateway' || p.kind === 'service')
            .map(async (p) => {
              const res = await fetch(`http://127.0.0.1:${p.port}/metrics`, { signal: AbortSignal.timeout(10_000) });
              return { name: p.name, text: await res.text() };
            }),
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
