import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreeClusterPort } from '@switchboard/cli';
import { REPO_ROOT } from '@switchboard/db';
import { z } from 'zod';
import { processTree } from '../load/cpu.ts';
import { createSwitchboardDriver } from '../load/switchboard-driver.ts';
import type { RunningSystem, SystemName } from '../load/system.ts';
import { rssKb, spawnAndWait, waitForHttp } from './processes.ts';

/**
 * `npm run cluster`'s compiled supervisor of a checkout (`npm run bench` builds this one first):
 * children run from that checkout's dist/ too, and it finds its own nginx config and migrations.
 */
const clusterEntry = (root: string) => path.join(root, 'packages', 'cli', 'dist', 'cluster.js');
/**
 * 1 in N messages traced through every hop (HOP_TRACE_EVERY). Sampling costs a hash per message
 * per hop, nothing per socket; 1 in 20 gives ~50 traces in fanout-500 and ring room for the burst.
 */
const HOP_TRACE_EVERY = Number(process.env.HOP_TRACE_EVERY ?? 20);

/** The line `npm run cluster` prints once nginx and every process answer. */
const READY_TEXT = 'Switchboard cluster ready';

/** What the cluster runner writes to `$CLUSTER_STATE_DIR/pids.json`. */
const ClusterState = z.object({
  processes: z.array(z.object({ name: z.string(), kind: z.string(), pid: z.number(), port: z.number() })),
});

const HopMarks = z.object({ marks: z.array(z.object({ key: z.string(), hop: z.string(), at: z.number() })) });

export function clusterRunnerExists(root = REPO_ROOT): boolean {
  return fs.existsSync(clusterEntry(root));
}

/** Which checkout's cluster runs, under which system name (`switchboard-baseline`: `--baseline=<dir>`). */
export interface SwitchboardCheckout {
  name: Extract<SystemName, 'switchboard' | 'switchboard-baseline'>;
  root: string;
}

/**
 * (a) The real cluster via the compiled `packages/cli/src/cluster.ts` of a checkout (this one by
 * default): nginx, GATEWAYS=2 gateways, one process per service. Driven identically whichever it is.
 */
export async function startSwitchboard(
  options: {
    jwtSecret: string;
    redisUrl: string;
    prefix: string;
    databaseUrl: string;
  },
  checkout: SwitchboardCheckout = { name: 'switchboard', root: REPO_ROOT },
): Promise<RunningSystem> {
  const { name, root } = checkout;
  const port = await findFreeClusterPort(2);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-cluster-'));
  const cluster = await spawnAndWait({
    args: [clusterEntry(root)],
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
      HOP_TRACE_EVERY: String(HOP_TRACE_EVERY),
      // Set-up only: creating the 500-member room on a loaded shared machine took longer than the
      // default 5 s deadline. Sends answer in milliseconds; a longer deadline changes none of them.
      BUS_TIMEOUT_MS: process.env.BUS_TIMEOUT_MS ?? '30000',
      // The peers limit nothing: one sender at 100 msg/s is 10× the default per-user write budget
      // (RATE_LIMIT_WRITE, 100 per 10 s), which would turn most sends into RATE_LIMITED acks.
      RATE_LIMIT_WRITE: process.env.RATE_LIMIT_WRITE ?? '1000000',
    },
    cwd: root,
    readyText: READY_TEXT,
    timeoutMs: 180_000,
    label: `npm run cluster (${root})`,
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
    process.stdout.write(`bench | ${name}: processes ${state.processes.map((p) => `${p.name}=${p.pid}`).join(' ')}\n`);
    // Each process's footprint before any load (issue 14: idle processes' RSS, measured).
    process.stdout.write(
      `bench | ${name}: idle RSS MB ${state.processes.map((p) => `${p.name}=${Math.round(rssKb(p.pid) / 1024)}`).join(' ')}\n`,
    );
    return {
      name,
      url: `http://127.0.0.1:${port}`,
      driver: createSwitchboardDriver(options.jwtSecret),
      upstreams: gateways.length,
      gatewayPids: () => gateways,
      // The supervisor, nginx (master and workers) and every service process.
      serverPids: () => processTree([cluster.pid]),
      processes: () => state.processes.filter((p) => p.kind === 'gateway' || p.kind === 'service'),
      scrapeMetrics: () =>
        Promise.all(
          state.processes
            .filter((p) => p.kind === 'gateway' || p.kind === 'service')
            .map(async (p) => {
              const res = await fetch(`http://127.0.0.1:${p.port}/metrics`, { signal: AbortSignal.timeout(10_000) });
              return { name: p.name, text: await res.text() };
            }),
        ),
      logTail: () => cluster.tail(),
      hopTrace: {
        every: HOP_TRACE_EVERY,
        // A checkout without the trace (e.g. the baseline) answers 404: no marks, no table.
        scrape: () =>
          Promise.all(
            state.processes
              .filter((p) => p.kind === 'gateway' || p.kind === 'service')
              .map(async (p) => {
                const res = await fetch(`http://127.0.0.1:${p.port}/debug/hops`, {
                  signal: AbortSignal.timeout(10_000),
                });
                const body = res.ok ? HopMarks.parse(await res.json()) : { marks: [] };
                return { process: p.name, marks: body.marks };
              }),
          ),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
