import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { childOpenFileLimit, currentOpenFileLimits, withOpenFileLimit } from '@switchboard/cli';

let openFiles: { limit: number | undefined } | undefined;
/** The open-file limit every server of the benchmark gets: the hard limit, as `npm run cluster` gives its children. */
export function benchOpenFileLimit(): number | undefined {
  if (!openFiles) {
    const limits = currentOpenFileLimits();
    openFiles = { limit: limits ? childOpenFileLimit(limits) : undefined };
  }
  return openFiles.limit;
}

export interface ChildHandle {
  pid: number;
  child: ChildProcess;
  /** Last lines of output, for error messages. */
  tail(): string;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnOptions {
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolve once a line of output contains this text; without it, resolve once started. */
  readyText?: string;
  timeoutMs: number;
  label: string;
  command?: string;
}

/**
 * Start a child process and wait for its ready line. Runs node directly (compiled JS, or the
 * tsx loader — not the tsx CLI, which forks another process) so `pid` is the server's own.
 */
export async function spawnAndWait(options: SpawnOptions): Promise<ChildHandle> {
  // Through `sh -c 'ulimit -n …; exec …'`: the pid stays the server's own.
  const { command, args } = withOpenFileLimit(
    { command: options.command ?? process.execPath, args: options.args },
    benchOpenFileLimit(),
  );
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  // Last resort if the benchmark dies: children run in their own process group, so take them down.
  const onExit = () => signalGroup(child.pid ?? -1, 'SIGKILL');
  process.once('exit', onExit);
  const handle: ChildHandle = {
    pid: child.pid ?? -1,
    child,
    tail: () => lines.slice(-20).join('\n'),
    stop: async (timeoutMs = 8000) => {
      await stopGroup(child, timeoutMs);
      process.off('exit', onExit);
    },
  };
  await new Promise<void>((resolve, reject) => {
    if (!options.readyText) {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    }
    const timer = setTimeout(() => {
      void stopGroup(child, 5000);
      reject(new Error(`${options.label}: not ready after ${options.timeoutMs} ms\n${handle.tail()}`));
    }, options.timeoutMs);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 200) lines.shift();
        if (options.readyText && line.includes(options.readyText)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    if (!options.readyText) clearTimeout(timer);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.label}: exited with ${code} before ready\n${handle.tail()}`));
    });
  });
  return handle;
}

/** SIGTERM the child's process group, then SIGKILL it if it lingers. */
async function stopGroup(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** A free TCP port on 127.0.0.1 (bound then released; fine for a benchmark on one machine). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in KiB, from /proc (Linux). */
export function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** Every descendant of a process, with its command line (to find a cluster's gateways). */
export function descendants(rootPid: number): { pid: number; cmdline: string }[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // process exited while we looked
    }
  }
  const out: { pid: number; cmdline: string }[] = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    try {
      out.push({ pid, cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      continue;
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Poll an HTTP URL until it answers 2xx (nginx and the cluster print no single ready line we own). */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}
