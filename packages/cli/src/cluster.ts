// `npm run cluster`: the local cluster without Docker. Validates the config, applies migrations
// once, then supervises nginx (ip_hash in front), GATEWAYS gateways and one process per service,
// with every output line prefixed by its process name. Ctrl-C / SIGTERM stops all of it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { migrateDeploy, REPO_ROOT } from '@switchboard/db';
import { loadConfigOrExit } from '@switchboard/host';
import { errorMessage } from '@switchboard/runtime';
import { childCommand } from './cluster/child-command.ts';
import { type ClusterRunnerConfig, ClusterRunnerSchema, type ProcessPlan, planProcesses } from './cluster/config.ts';
import { nginxArgs, writeNginxConfig } from './cluster/nginx-config.ts';
import { checkNginx, checkPortsFree, checkRedis, ensureDatabase, redactUrlForLog } from './cluster/preflight.ts';
import { type ManagedChild, ProcessGroup } from './cluster/process-group.ts';
import { waitUntilReady } from './cluster/readiness.ts';

const READY_TIMEOUT_MS = 120_000;
const CHILD_GRACE_MS = 20_000;

const say = (line: string) => process.stdout.write(`${'cluster'.padEnd(14)} | ${line}\n`);

async function preflight(config: ClusterRunnerConfig, plans: ProcessPlan[]): Promise<void> {
  const problems: string[] = [];
  const nginx = checkNginx();
  if (nginx) problems.push(nginx);
  problems.push(
    ...(await checkPortsFree([
      { port: config.PORT, host: '0.0.0.0', owner: 'nginx (PORT)' },
      ...plans.map((p) => ({ port: p.port, host: '127.0.0.1', owner: p.name })),
    ])),
  );
  const redis = await checkRedis(config.REDIS_URL);
  if (redis) problems.push(redis);
  const database = await ensureDatabase(config.DATABASE_URL, say);
  if (database) problems.push(database);
  if (problems.length > 0) {
    process.stderr.write(`npm run cluster: cannot start.\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
}

async function writeState(
  config: ClusterRunnerConfig,
  nginxChild: ManagedChild,
  children: { plan: ProcessPlan; child: ManagedChild }[],
): Promise<string> {
  const dir = path.resolve(config.CLUSTER_STATE_DIR);
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, 'pids.json');
  const state = {
    supervisor: process.pid,
    port: config.PORT,
    nginx: nginxChild.process.pid,
    processes: children.map(({ plan, child }) => ({
      name: plan.name,
      kind: plan.kind,
      pid: child.process.pid,
      port: plan.port,
    })),
  };
  await fs.writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit('npm run cluster', ClusterRunnerSchema);
  const plans = planProcesses(config);
  if (!config.JWT_SECRET && !config.JWT_PUBLIC_KEY) {
    say('WARNING: JWT_SECRET is not set; using the public dev secret. Set JWT_SECRET for anything but local testing.');
  }
  await preflight(config, plans);

  say(`applying migrations to ${redactUrlForLog(config.DATABASE_URL)}`);
  await migrateDeploy(config.DATABASE_URL);

  const gateways = plans.filter((p) => p.kind === 'gateway');
  const at = (name: string) => `127.0.0.1:${plans.find((p) => p.name === name)!.port}`;
  const { prefix, confPath } = await writeNginxConfig({
    listen: config.PORT,
    gateways: gateways.map((g) => `127.0.0.1:${g.port}`),
    messaging: at('messaging'),
    presence: at('presence'),
    'call-signaling': at('call-signaling'),
    notification: at('notification'),
  });

  let ready = false;
  let startupFailure: string | undefined;
  const group = new ProcessGroup(
    ['nginx', ...plans.map((p) => p.name)],
    (line) => process.stdout.write(`${line}\n`),
    (child, code, signal) => {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!ready) startupFailure = `${child.spec.name} exited during start-up (${how})`;
      say(`${child.spec.name} (pid ${child.process.pid}) exited unexpectedly (${how}); the others keep running`);
    },
  );

  // Extra flags for every Node process (e.g. --max-old-space-size=512, --cpu-prof): NODE_OPTIONS refuses some.
  const nodeArgs = (process.env.CLUSTER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const started = plans.map((plan) => ({
    plan,
    child: group.start({
      name: plan.name,
      ...childCommand(plan, nodeArgs),
      // Children write to a pipe, so they cannot see the terminal: decide for them.
      env: {
        ...process.env,
        LOG_FORMAT: process.env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
        ...plan.env,
      },
      cwd: REPO_ROOT,
      stopSignal: 'SIGTERM',
    }),
  }));
  const nginx = group.start({
    name: 'nginx',
    command: 'nginx',
    args: nginxArgs(prefix, confPath),
    env: process.env,
    cwd: prefix,
    stopSignal: 'SIGQUIT',
  });

  let stopping: Promise<void> | undefined;
  const stop = (reason: string, exitCode: number) => {
    stopping ??= (async () => {
      say(`stopping (${reason})`);
      await group.stop(
        started.map((s) => s.child),
        CHILD_GRACE_MS,
      );
      await group.stop([nginx], 5000);
      await fs.rm(prefix, { recursive: true, force: true });
      say('stopped');
      process.exit(exitCode);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));

  try {
    const abort = () => startupFailure;
    await Promise.all(plans.map((p) => waitUntilReady(`http://127.0.0.1:${p.port}/readyz`, READY_TIMEOUT_MS, abort)));
    await waitUntilReady(`http://127.0.0.1:${config.PORT}/healthz`, 10_000, abort);
  } catch (error) {
    say(`start-up failed: ${errorMessage(error)}`);
    await stop('start-up failed', 1);
    return;
  }
  ready = true;
  const stateFile = await writeState(config, nginx, started);
  say(
    `pids in ${stateFile}: ${started.map((s) => `${s.plan.name}=${s.child.process.pid}`).join(' ')} nginx=${nginx.process.pid}`,
  );
  say(`Switchboard cluster ready on http://localhost:${config.PORT}`);
  say(`mint a token: npm run token -- <userId> --name <name>${config.JWT_SECRET ? ' (with the same JWT_SECRET)' : ''}`);
}

await main();
