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

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedChild {
  spec: ChildSpec;
  process: ChildProcess;
  exited: Promise<ChildExit>;
  running: boolean;
  /** When it was spawned (ms since the epoch). */
  startedAt: number;
  /** Its last output lines (unprefixed), for a report when it keeps crashing. */
  recentOutput: string[];
}

type Writer = (line: string) => void;

/** Output lines kept per child for crash reports. */
export const RECENT_LINES = 20;
/** After `exit`, how long to wait for the rest of its output (a crash's stack trace) before reporting. */
const OUTPUT_DRAIN_MS = 300;

/**
 * The supervisor's children: spawned in their own process groups (so a terminal's Ctrl-C
 * reaches only the supervisor, which then stops them in order), every output line prefixed
 * with the child's name, each exit reported once to `onExit` (the supervisor decides what it means).
 */
export class ProcessGroup {
  readonly children = new Set<ManagedChild>();
  private readonly width: number;

  constructor(
    names: string[],
    private readonly write: Writer,
    private readonly onExit: (child: ManagedChild, exit: ChildExit) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.width = Math.max(...names.map((n) => n.length), 6);
    // Last resort when the supervisor itself dies: do not leave orphans behind.
    process.once('exit', () => {
      for (const child of this.children) if (child.running) killGroup(child, 'SIGKILL');
    });
  }

  prefix(name: string): string {
    return `${name.padEnd(this.width)} | `;
  }

  start(spec: ChildSpec): ManagedChild {
    const proc = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const prefix = this.prefix(spec.name);
    const recentOutput: string[] = [];
    const remember = (line: string) => {
      recentOutput.push(line);
      if (recentOutput.length > RECENT_LINES) recentOutput.shift();
      this.write(prefix + line);
    };
    const streamsClosed = Promise.all(
      [proc.stdout, proc.stderr].map(
        (stream) =>
          new Promise<void>((resolve) =>
            readline.createInterface({ input: stream }).on('line', remember).once('close', resolve),
          ),
      ),
    );
    let settle!: (exit: ChildExit) => void;
    const child: ManagedChild = {
      spec,
      process: proc,
      running: true,
      startedAt: this.now(),
      recentOutput,
      exited: new Promise((resolve) => (settle = resolve)),
    };
    let settled = false;
    const finish = (exit: ChildExit) => {
      if (settled) return;
      settled = true;
      child.running = false;
      // Grandchildren (nginx's workers) would keep the port and the output pipes: end the group.
      killGroup(child, 'SIGKILL');
      const drained = new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS).unref());
      void Promise.race([streamsClosed, drained]).then(() => {
        this.children.delete(child);
        this.onExit(child, exit);
        settle(exit);
      });
    };
    proc.on('exit', (code, signal) => finish({ code, signal }));
    proc.on('error', (error) => {
      remember(`failed to start: ${error.message}`);
      finish({ code: null, signal: null });
    });
    this.children.add(child);
    return child;
  }

  /** Stop the given children gracefully; whoever outlives `graceMs` is killed. */
  async stop(children: ManagedChild[], graceMs: number): Promise<void> {
    const live = children.filter((c) => c.running);
    for (const child of live) safeKill(child.process.pid, child.spec.stopSignal);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    const all = Promise.all(live.map((c) => c.exited));
    if ((await Promise.race([all, timer])) === 'timeout') {
      for (const child of live)
        if (child.running) {
          this.write(`${this.prefix(child.spec.name)}did not stop within ${graceMs} ms: killing`);
          // nginx's master stops its workers on SIGTERM; SIGKILL would orphan them.
          safeKill(child.process.pid, child.spec.stopSignal === 'SIGTERM' ? 'SIGKILL' : 'SIGTERM');
        }
      const last = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
      if ((await Promise.race([all, last])) === 'timeout')
        for (const child of live) if (child.running) killGroup(child, 'SIGKILL');
      await all;
    }
  }
}

/** Signal a child's whole process group (it leads one: spawned detached). */
function killGroup(child: ManagedChild, signal: NodeJS.Signals): void {
  if (child.process.pid) safeKill(-child.process.pid, signal);
}

function safeKill(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
