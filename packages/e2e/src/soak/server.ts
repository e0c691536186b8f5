// The embedded server (`npm start`'s compiled entry) as the soak drives it: its own process, so
// its memory and event-loop delay are its own, on a database of the soak's own. It runs with the
// inspector on a loopback port of its own choosing, which the soak uses to force a full GC and
// read the heap: what a leak grows is the heap left after a full collection, not RSS, which V8
// does not give back once it has grown into it.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@switchboard/db';
import { type CdpClient, connectCdp, evaluatedValue, inspectorUrl, parseHeapUsage } from './cdp.ts';
import { type MemorySample, PROCESS_MEMORY_EXPRESSION, parseProcessMemory } from './memory.ts';

export interface LoopSample {
  loopDelayP99Ms: number;
  loopDelayMeanMs: number;
  /** Open client sockets by the server's own gauge. */
  connections: number;
}

export interface LineCounts {
  maxListenersExceeded: number;
  logWarnings: number;
  logErrors: number;
}

export interface SoakServer {
  url: string;
  pid: number;
  /** Where the server's stdout and stderr go (they are not kept in memory: warnings grow them under load). */
  logPath: string;
  /** Lines the server has printed so far: listener-leak warnings, and its pino warnings and errors. */
  lineCounts(): LineCounts;
  /** The server's own event-loop delay since the last call (ms) and its open sockets, from its /metrics. */
  loop(): Promise<LoopSample>;
  /** Full GC through the inspector, then the heap, RSS, external memory and live handles. */
  memory(): Promise<MemorySample>;
  /** CPU time the server has used so far (user + system, s). */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

// USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK).
const CLOCK_TICKS = 100;

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

async function measure(cdp: CdpClient): Promise<MemorySample> {
  // Twice: the first collection runs finalizers and weak callbacks that free more for the second.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = parseHeapUsage(await cdp.send('Runtime.getHeapUsage'));
  const process = parseProcessMemory(
    evaluatedValue(await cdp.send('Runtime.evaluate', { expression: PROCESS_MEMORY_EXPRESSION, returnByValue: true })),
  );
  return { heapUsedBytes: heap.usedSize, heapTotalBytes: heap.totalSize, ...process };
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
  for (const name of ['REDIS_URL', 'NODE_ENV', 'NODE_OPTIONS']) delete childEnv[name];
  const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', 'packages/cli/dist/embedded.js'], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logPath = path.join(os.tmpdir(), `soak-server-${child.pid}.log`);
  const log = createWriteStream(logPath);
  // Start-up output is kept to find the inspector URL and the listening line; then only counted.
  let output = '';
  let started = false;
  const counts: LineCounts = { maxListenersExceeded: 0, logWarnings: 0, logErrors: 0 };
  let partial = '';
  const take = (c: Buffer) => {
    log.write(c);
    if (!started) output += c.toString();
    const lines = (partial + c.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('MaxListenersExceededWarning')) counts.maxListenersExceeded += 1;
      if (line.startsWith('{"level":40')) counts.logWarnings += 1;
      else if (/^\{"level":[56]0/.test(line)) counts.logErrors += 1;
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const deadline = Date.now() + 120_000;
  while (!output.includes(`listening on http://localhost:${port}`)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`embedded server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  started = true;
  const wsUrl = inspectorUrl(output);
  if (!wsUrl) throw new Error(`embedded server printed no inspector URL:\n${output}`);
  const cdp = await connectCdp(wsUrl);
  const url = `http://localhost:${port}`;
  return {
    url,
    pid: child.pid!,
    logPath,
    lineCounts: () => ({ ...counts }),
    async loop() {
      const metric = await scrape(url);
      const ms = (name: string) => Math.round(metric(name) * 1e4) / 10;
      return {
        loopDelayP99Ms: ms('nodejs_eventloop_lag_p99_seconds'),
        loopDelayMeanMs: ms('nodejs_eventloop_lag_mean_seconds'),
        connections: metric('switchboard_connections'),
      };
    },
    memory: () => measure(cdp),
    async cpuSeconds() {
      // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name, in clock ticks.
      const stat = await fs.readFile(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    async stop() {
      await cdp.close().catch(() => undefined);
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      await new Promise((r) => log.end(r));
    },
  };
}
