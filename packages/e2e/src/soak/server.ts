// The embedded server (`npm start`'s compiled entry) as the soak drives it: its own process, so
// its RSS and event-loop delay are its own, on a database of the soak's own.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import { REPO_ROOT } from '@switchboard/db';

export interface SoakServer {
  url: string;
  pid: number;
  output(): string;
  /** RSS (MiB) from /proc, and the server's own event-loop delay from its /metrics (ms). */
  sample(): Promise<{ rssMiB: number; loopDelayP99Ms: number; loopDelayMeanMs: number }>;
  stop(): Promise<void>;
}

/** One scrape (prom-client resets its event-loop histogram on each, so a sample covers the time since the last). */
async function scrape(url: string): Promise<(name: string) => number> {
  const lines = (await (await fetch(`${url}/metrics`)).text()).split('\n');
  // Each line is `name{labels} value`: the process's default labels follow the name.
  return (name) =>
    Number(
      lines
        .find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
        ?.split(' ')
        .at(-1) ?? Number.NaN,
    );
}

export async function startSoakServer(
  port: number,
  databaseUrl: string,
  env: Record<string, string>,
): Promise<SoakServer> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    ...env,
  };
  for (const name of ['REDIS_URL', 'NODE_ENV']) delete childEnv[name];
  const child: ChildProcess = spawn(process.execPath, ['packages/cli/dist/embedded.js'], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => void (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => void (output += c.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes(`listening on http://localhost:${port}`)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`embedded server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = `http://localhost:${port}`;
  return {
    url,
    pid: child.pid!,
    output: () => output,
    async sample() {
      const status = await fs.readFile(`/proc/${child.pid}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      const metric = await scrape(url);
      const ms = (name: string) => Math.round(metric(name) * 1e4) / 10;
      return {
        rssMiB: Math.round((rssKb / 1024) * 10) / 10,
        loopDelayP99Ms: ms('nodejs_eventloop_lag_p99_seconds'),
        loopDelayMeanMs: ms('nodejs_eventloop_lag_mean_seconds'),
      };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
