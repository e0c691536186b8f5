import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Signal for a graceful stop (nginx wants SIGQUIT, node processes SIGTERM). */
  stopSignal: NodeJS.Signals;
}

export interface ManagedChild {
  spec: ChildSpec;
  process: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running: boolean;
}

type Writer = (line: string) => void;

/**
 * The supervisor's children: spawned in their own process groups (so a terminal's Ctrl-C
 * reaches only the supervisor, which then stops them in order), every output line prefixed
 * with the child's name, unexpected exits reported but never fatal to the others.
 */
export class ProcessGroup {
  readonly children: ManagedChild[] = [];
  private stopping = false;
  private readonly width: number;

  constructor(
    names: string[],
    private readonly write: Writer,
    private readonly onUnexpectedExit: (
      child: ManagedChild,
      code: number | null,
      signal: NodeJS.Signals | null,
    ) => void,
  ) {
    this.width = Math.max(...names.map((n) => n.length), 6);
    // Last resort when the supervisor itself dies: do not leave orphans behind.
    process.once('exit', () => {
      for (const child of this.children) if (child.running) safeKill(child.process.pid, 'SIGKILL');
    });
  }

  start(spec: ChildSpec): ManagedChild {
    const proc = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const prefix = `${spec.name.padEnd(this.width)} | `;
    for (const stream of [proc.stdout, proc.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => this.write(prefix + line));
    }
    const child: ManagedChild = {
      spec,
      process: proc,
      running: true,
      exited: new Promise((resolve) => {
        proc.on('exit', (code, signal) => {
          child.running = false;
          if (!this.stopping) this.onUnexpectedExit(child, code, signal);
          resolve({ code, signal });
        });
        proc.on('error', (error) => {
          this.write(`${prefix}failed to start: ${error.message}`);
          child.running = false;
          if (!this.stopping) this.onUnexpectedExit(child, null, null);
          resolve({ code: null, signal: null });
        });
      }),
    };
    this.children.push(child);
    return child;
  }

  /** Stop the given children gracefully; whoever outlives `graceMs` is killed. */
  async stop(children: ManagedChild[], graceMs: number): Promise<void> {
    this.stopping = true;
    const live = children.filter((c) => c.running);
    for (const child of live) safeKill(child.process.pid, child.spec.stopSignal);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    const all = Promise.all(live.map((c) => c.exited));
    if ((await Promise.race([all, timer])) === 'timeout') {
      for (const child of live)
        if (child.running) {
          this.write(`${child.spec.name.padEnd(this.width)} | did not stop within ${graceMs} ms: killing`);
          // nginx's master stops its workers on SIGTERM; SIGKILL would orphan them.
          safeKill(child.process.pid, child.spec.stopSignal === 'SIGTERM' ? 'SIGKILL' : 'SIGTERM');
        }
      const last = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
      if ((await Promise.race([all, last])) === 'timeout')
        for (const child of live) if (child.running) safeKill(child.process.pid, 'SIGKILL');
      await all;
    }
  }
}

function safeKill(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
