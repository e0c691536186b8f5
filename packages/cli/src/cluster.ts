// `npm run cluster`: the local cluster without Docker. Validates the config, applies migrations
// once, then supervises nginx (ip_hash in front), GATEWAYS gateways and REPLICAS processes per
// service, with every output line prefixed by its process name. A process that exits after
// start-up is restarted with backoff (cluster/supervisor.ts); Ctrl-C / SIGTERM stops all of it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { migrateDeploy, REPO_ROOT } from '@switchboard/db';
import { loadConfigOrExit } from '@switchboard/host';
import { errorMessage } from '@switchboard/runtime';
import { childCommand } from './cluster/child-command.ts';
import { type ClusterRunnerConfig, ClusterRunnerSchema, type ProcessPlan, planProcesses } from './cluster/config.ts';
import { nginxArgs, nginxUpstreams, writeNginxConfig } from './cluster/nginx-config.ts';
import {
  childOpenFileLimit,
  currentOpenFileLimits,
  describeOpenFileLimit,
  nginxOpenFileSettings,
  withOpenFileLimit,
} from './cluster/open-files.ts';
import { checkNginx, checkPortsFree, checkRedis, ensureDatabase, redactUrlForLog } from './cluster/preflight.ts';
import { waitUntilReady } from './cluster/readiness.ts';
import { clusterState, createStateFile } from './cluster/state-file.ts';
import { Supervisor } from './cluster/supervisor.ts';

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

async function main(): Promise<void> {
  const config = loadConfigOrExit('npm run cluster', ClusterRunnerSchema);
  const plans = planProcesses(config);
  if (!config.JWT_SECRET && !config.JWT_PUBLIC_KEY) {
    say('WARNING: JWT_SECRET is not set; using the public dev secret. Set JWT_SECRET for anything but local testing.');
  }
  await preflight(config, plans);

  say(`applying migrations to ${redactUrlForLog(config.DATABASE_URL)}`);
  await migrateDeploy(config.DATABASE_URL);

  // Every socket is a file: children get the most the hard limit allows, and the log says how much.
  const fileLimits = currentOpenFileLimits();
  const openFiles = fileLimits ? childOpenFileLimit(fileLimits) : undefined;
  say(describeOpenFileLimit(fileLimits));

  const { prefix, confPath } = await writeNginxConfig(nginxUpstreams(config.PORT, plans), {
    connPerIp: config.NGINX_CONN_PER_IP,
    reqPerIp: config.NGINX_REQ_PER_IP,
    ...nginxOpenFileSettings(openFiles),
  });

  let startupFailure: string | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (reason: string, exitCode: number) => {
    stopping ??= (async () => {
      say(`stopping (${reason})`);
      await supervisor.stop(
        plans.map((p) => p.name),
        CHILD_GRACE_MS,
      );
      await supervisor.stop(['nginx'], 5000);
      await stateFile.update();
      await fs.rm(prefix, { recursive: true, force: true });
      say('stopped');
      process.exit(exitCode);
    })();
    return stopping;
  };
  const supervisor: Supervisor = new Supervisor({
    names: ['nginx', ...plans.map((p) => p.name)],
    write: (line) => process.stdout.write(`${line}\n`),
    say,
    onStartupExit: (name, how) => void (startupFailure ??= `${name} exited during start-up (${how})`),
    onChange: () => void stateFile.update(),
    onGiveUp: (name) => {
      // Without nginx nothing reaches the cluster: a supervisor that stays up would only pretend.
      if (name === 'nginx') void stop('nginx keeps crashing; nothing can reach the cluster', 1);
      else say(`${name} stays down until the cluster is restarted; the others keep running`);
    },
  });
  const stateFile = createStateFile(
    path.join(path.resolve(config.CLUSTER_STATE_DIR), 'pids.json'),
    () => clusterState(config.PORT, plans, supervisor.state()),
    (error) => {
      say(`could not write pids.json: ${errorMessage(error)}`);
    },
  );

  // Extra flags for every Node process (e.g. --max-old-space-size=512, --cpu-prof): NODE_OPTIONS refuses some.
  const nodeArgs = (process.env.CLUSTER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  for (const plan of plans) {
    supervisor.start({
      name: plan.name,
      ...withOpenFileLimit(childCommand(plan, nodeArgs), openFiles),
      // Children write to a pipe, so they cannot see the terminal: decide for them.
      env: {
        ...process.env,
        LOG_FORMAT: process.env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
        ...plan.env,
      },
      cwd: REPO_ROOT,
      stopSignal: 'SIGTERM',
      readyUrl: `http://127.0.0.1:${plan.port}/readyz`,
    });
  }
  supervisor.start({
    name: 'nginx',
    ...withOpenFileLimit({ command: 'nginx', args: nginxArgs(prefix, confPath) }, openFiles),
    env: process.env,
    cwd: prefix,
    stopSignal: 'SIGQUIT',
    readyUrl: `http://127.0.0.1:${config.PORT}/healthz`,
  });
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  await stateFile.update();

  try {
    const abort = () => startupFailure;
    await Promise.all(plans.map((p) => waitUntilReady(`http://127.0.0.1:${p.port}/readyz`, READY_TIMEOUT_MS, abort)));
    await waitUntilReady(`http://127.0.0.1:${config.PORT}/healthz`, 10_000, abort);
    if (startupFailure) throw new Error(startupFailure);
  } catch (error) {
    say(`start-up failed: ${errorMessage(error)}`);
    await stop('start-up failed', 1);
    return;
  }
  supervisor.markRunning();
  await stateFile.update();
  const pids = supervisor
    .state()
    .map((s) => `${s.name}=${s.pid}`)
    .join(' ');
  say(`pids in ${stateFile.file}: ${pids}`);
  say(`Switchboard cluster ready on http://localhost:${config.PORT}`);
  say(`mint a token: npm run token -- <userId> --name <name>${config.JWT_SECRET ? ' (with the same JWT_SECRET)' : ''}`);
}

await main();
