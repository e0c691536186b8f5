import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLUSTER_SERVICES,
  type ClusterServiceName,
  findFreeClusterPort,
  formatReplicas,
  type Replicas,
  ReplicasSchema,
  replicaName,
} from '@switchboard/cli';
import {
  buildProjects,
  createTestDatabase,
  flushPrefix,
  type TestDatabase,
  testPrefix,
  testRedis,
} from '@switchboard/testkit';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** `npm run cluster`'s own entry: the compiled supervisor, which runs every child from `dist/` too. */
const CLUSTER_ENTRY = path.join('packages', 'cli', 'dist', 'cluster.js');
const READY_LINE = /Switchboard cluster ready on (http:\/\/\S+)/;

export interface ClusterProcess {
  name: string;
  kind: 'gateway' | 'service';
  /** Folder under services/ (`gateway` for gateways). */
  service: string;
  /** The live pid; while restarting or failed, the last one's. */
  pid: number;
  port: number;
  status: 'running' | 'restarting' | 'failed' | 'stopped';
  restarts: number;
}

/** `$CLUSTER_STATE_DIR/pids.json`, which the supervisor rewrites on every restart. */
export interface ClusterState {
  supervisor: number;
  port: number;
  nginx: { pid: number; port: number; status: ClusterProcess['status']; restarts: number };
  processes: ClusterProcess[];
}

export interface RunningCluster {
  /** nginx's public URL. */
  url: string;
  port: number;
  jwtSecret: string;
  redisPrefix: string;
  /** The supervisor (`npm run cluster`'s own process). */
  supervisorPid: number;
  /** The processes as they were when the cluster became ready (`state()` reads the current ones). */
  processes: ClusterProcess[];
  gateways: ClusterProcess[];
  /** How many processes of each service run (the test's `replicas`, raised by `E2E_REPLICAS`). */
  replicas: Replicas;
  /** The processes of one service as they were at start (one per replica, in replica order). */
  processesOf(service: ClusterServiceName): ClusterProcess[];
  /** pids.json as it is now. */
  state(): Promise<ClusterState>;
  /** Wait until pids.json lists `name` running with a pid other than `oldPid`; returns its entry. */
  waitForRestart(name: string, oldPid: number, timeoutMs?: number): Promise<ClusterProcess>;
  /** Everything the supervisor and its children printed (for failure messages). */
  output(): string;
  /** SIGKILL one child (a crash, not a shutdown). */
  kill(pid: number): void;
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  gateways?: number;
  /** Processes per service (REPLICAS); services not named run once. */
  replicas?: Partial<Replicas>;
  env?: Record<string, string>;
  /**
   * The database the cluster runs on (its migrations applied), e.g. one on a test's private
   * Postgres server; the test owns it. Default: a fresh one on the machine's Postgres, dropped at stop.
   */
  databaseUrl?: string;
  readyTimeoutMs?: number;
}

/**
 * `E2E_REPLICAS` (the REPLICAS syntax, e.g. `messaging=2,presence=2,call-signaling=2,notification=2`)
 * raises every suite's cluster to at least those replicas: the check that the suites hold with
 * several processes of each service, not only the topology each test names.
 */
function atLeastSuiteReplicas(replicas: Partial<Replicas>): Replicas {
  const text = process.env.E2E_REPLICAS;
  const floor: Partial<Replicas> = text ? ReplicasSchema.parse(text) : {};
  return Object.fromEntries(
    CLUSTER_SERVICES.map((service) => [service, Math.max(floor[service] ?? 1, replicas[service] ?? 1)]),
  ) as Replicas;
}

/** The service processes' names `npm run cluster` gives for `replicas`, in pids.json's order. */
export function serviceProcessNames(replicas: Replicas): string[] {
  return CLUSTER_SERVICES.flatMap((service) =>
    Array.from({ length: replicas[service] }, (_, i) => replicaName(service, i + 1, replicas[service])),
  );
}

/**
 * `npm run cluster` for a test: a free PORT (and the internal ports after it), its own Redis
 * prefix and a fresh database, so it can run beside a developer's cluster on the same Redis.
 * Like `npm run cluster`, it builds first (incrementally), so the suite tests the current sources'
 * compiled JS: the supervisor and every child run from `dist/` with plain node.
 */
export async function startCluster({
  gateways = 2,
  replicas = {},
  env = {},
  databaseUrl,
  readyTimeoutMs = 120_000,
}: StartClusterOptions = {}): Promise<RunningCluster> {
  buildProjects();
  const counts = atLeastSuiteReplicas(replicas);
  const port = await findFreeClusterPort(gateways, counts);
  const database = databaseUrl ? undefined : await createTestDatabase('e2e');
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-'));
  const redisPrefix = testPrefix('e2e');
  const jwtSecret = crypto.randomBytes(24).toString('hex');
  const child = spawn(process.execPath, [CLUSTER_ENTRY], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      GATEWAYS: String(gateways),
      REPLICAS: formatReplicas(counts),
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: redisPrefix,
      DATABASE_URL: databaseUrl ?? database!.url,
      JWT_SECRET: jwtSecret,
      CLUSTER_STATE_DIR: stateDir,
      LOG_LEVEL: process.env.TEST_LOG ?? 'warn',
      SHUTDOWN_GRACE_MS: '500',
      ...env,
    },
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.E2E_VERBOSE) process.stderr.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const cleanup = async () => {
    await stopSupervisor(child, exited);
    await killLeftovers(stateDir);
    await fs.rm(stateDir, { recursive: true, force: true });
    await database?.drop().catch(() => {});
    // After the processes are gone, so nothing writes under the prefix again.
    const redis = testRedis();
    await flushPrefix(redis, redisPrefix).finally(() => redis.disconnect());
  };

  try {
    await waitForReady(() => output, exited, readyTimeoutMs);
  } catch (error) {
    await cleanup();
    throw new Error(
      `cluster did not start: ${(error as Error).message}\n--- cluster output ---\n${output.slice(-6000)}`,
    );
  }
  const readState = async () => JSON.parse(await fs.readFile(path.join(stateDir, 'pids.json'), 'utf8')) as ClusterState;
  const state = await readState();
  return {
    url: `http://localhost:${port}`,
    port,
    jwtSecret,
    redisPrefix,
    supervisorPid: child.pid!,
    processes: state.processes,
    gateways: state.processes.filter((p) => p.kind === 'gateway'),
    replicas: counts,
    processesOf: (service) => state.processes.filter((p) => p.kind === 'service' && p.service === service),
    state: readState,
    waitForRestart: async (name, oldPid, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: ClusterProcess | undefined;
      while (Date.now() < deadline) {
        last = (await readState()).processes.find((p) => p.name === name);
        if (last && last.pid !== oldPid && last.status === 'running') return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `${name} not restarted within ${timeoutMs} ms (pids.json: ${JSON.stringify(last)})\n--- cluster output ---\n${output.slice(-4000)}`,
      );
    },
    output: () => output,
    kill: (pid) => process.kill(pid, 'SIGKILL'),
    stop: cleanup,
  };
}

async function waitForReady(output: () => string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let code: number | null | undefined;
  void exited.then((c) => (code = c ?? -1));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (READY_LINE.test(output())) return;
    if (code !== undefined) throw new Error(`supervisor exited with ${code}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}

async function stopSupervisor(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
  await exited;
}

/** The supervisor stops its children; this is the safety net when it could not. */
async function killLeftovers(stateDir: string): Promise<void> {
  const text = await fs.readFile(path.join(stateDir, 'pids.json'), 'utf8').catch(() => undefined);
  if (!text) return;
  const state = JSON.parse(text) as Partial<ClusterState>;
  for (const pid of [state.nginx?.pid, ...(state.processes ?? []).map((p) => p.pid)]) {
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already stopped, as it should be.
    }
  }
}

export type { TestDatabase };
