import { errorMessage } from '@switchboard/runtime';
import { type ChildExit, type ChildSpec, type ManagedChild, ProcessGroup } from './process-group.ts';
import { waitUntilReady } from './readiness.ts';
import { DEFAULT_RESTART_POLICY, type RestartPolicy, RestartTracker } from './restart-policy.ts';

export interface SupervisedSpec extends ChildSpec {
  /** Polled after a restart, so the log says when the child serves again. */
  readyUrl?: string;
}

/** `restarting`: waiting out its backoff; `failed`: crash-looped (or died during start-up). */
export type ChildStatus = 'running' | 'restarting' | 'failed' | 'stopped';

export interface SupervisedChild {
  name: string;
  /** The live process's pid; while restarting or failed, the last one's. */
  pid: number | undefined;
  status: ChildStatus;
  /** Restarts since the supervisor started. */
  restarts: number;
}

export interface SupervisorOptions {
  /** Every child's name (to align the output prefixes). */
  names: string[];
  /** The children's output, each line already prefixed with its name. */
  write: (line: string) => void;
  /** The supervisor's own lines. */
  say: (line: string) => void;
  policy?: RestartPolicy;
  /** A child exited before `markRunning()`: start-up fails, nothing is restarted. */
  onStartupExit?: (name: string, how: string) => void;
  /** A pid or a status changed (rewrite pids.json). */
  onChange?: () => void;
  /** The supervisor stopped restarting `name`. */
  onGiveUp?: (name: string) => void;
  now?: () => number;
}

interface Slot {
  spec: SupervisedSpec;
  child: ManagedChild;
  tracker: RestartTracker;
  status: ChildStatus;
  restarts: number;
  timer?: NodeJS.Timeout;
}

/** How many output lines of a crash-looping child the give-up message repeats. */
const REPORTED_LINES = 10;
const READY_AGAIN_TIMEOUT_MS = 120_000;

/**
 * Keeps its children running: after start-up, a child that exits on its own is restarted (same
 * spec, so same name, port and environment) as the restart policy says, until it crash-loops.
 * During start-up an exit is reported instead, so a broken config fails fast; during `stop()`
 * nothing is restarted.
 */
export class Supervisor {
  private phase: 'starting' | 'running' | 'stopping' = 'starting';
  private readonly slots = new Map<string, Slot>();
  private readonly group: ProcessGroup;
  private readonly policy: RestartPolicy;
  private readonly now: () => number;

  constructor(private readonly options: SupervisorOptions) {
    this.policy = options.policy ?? DEFAULT_RESTART_POLICY;
    this.now = options.now ?? Date.now;
    this.group = new ProcessGroup(options.names, options.write, (child, exit) => this.onExit(child, exit), this.now);
  }

  start(spec: SupervisedSpec): ManagedChild {
    if (this.slots.has(spec.name)) throw new Error(`supervisor: ${spec.name} is already started`);
    const child = this.group.start(spec);
    this.slots.set(spec.name, {
      spec,
      child,
      tracker: new RestartTracker(this.policy),
      status: 'running',
      restarts: 0,
    });
    return child;
  }

  /** Start-up is over: from now on an exit means a restart. */
  markRunning(): void {
    if (this.phase === 'starting') this.phase = 'running';
  }

  /** The current child of `name` (a restart replaces it). */
  child(name: string): ManagedChild | undefined {
    return this.slots.get(name)?.child;
  }

  state(): SupervisedChild[] {
    return [...this.slots.values()].map((s) => ({
      name: s.spec.name,
      pid: s.child.process.pid,
      status: s.status,
      restarts: s.restarts,
    }));
  }

  /** Stop the named children (pending restarts of every child are cancelled, none is started again). */
  async stop(names: string[], graceMs: number): Promise<void> {
    this.phase = 'stopping';
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer);
      if (slot.status === 'restarting') slot.status = 'stopped';
    }
    const children = names.map((name) => this.slots.get(name)?.child).filter((c): c is ManagedChild => c !== undefined);
    await this.group.stop(children, graceMs);
  }

  private onExit(child: ManagedChild, exit: ChildExit): void {
    const slot = this.slots.get(child.spec.name);
    if (!slot || slot.child !== child) return;
    const name = child.spec.name;
    const how = describeExit(exit);
    if (this.phase === 'stopping') {
      slot.status = 'stopped';
      return;
    }
    if (this.phase === 'starting') {
      slot.status = 'failed';
      this.options.say(`${name} (pid ${child.process.pid}) exited during start-up (${how})`);
      this.options.onChange?.();
      this.options.onStartupExit?.(name, how);
      return;
    }
    const exitedAt = this.now();
    const decision = slot.tracker.onCrash(child.startedAt, exitedAt);
    if (decision.action === 'give-up') {
      slot.status = 'failed';
      this.options.say(
        `giving up on ${name}: it crashed ${decision.crashes} times in a row without staying up ${this.policy.stableAfterMs} ms (last exit: ${how}). Its last output:`,
      );
      const lines = child.recentOutput.slice(-REPORTED_LINES);
      for (const line of lines.length > 0 ? lines : ['(none)']) this.options.say(`  ${name} | ${line}`);
      this.options.onChange?.();
      this.options.onGiveUp?.(name);
      return;
    }
    slot.status = 'restarting';
    this.options.say(
      `${name} (pid ${child.process.pid}) exited (${how}); restarting in ${decision.delayMs} ms (restart ${decision.attempt})`,
    );
    slot.timer = setTimeout(() => this.restart(slot, exitedAt), decision.delayMs);
    this.options.onChange?.();
  }

  private restart(slot: Slot, exitedAt: number): void {
    slot.timer = undefined;
    if (this.phase !== 'running') return;
    const child = this.group.start(slot.spec);
    slot.child = child;
    slot.status = 'running';
    slot.restarts += 1;
    this.options.say(`${slot.spec.name} restarted (pid ${child.process.pid})`);
    this.options.onChange?.();
    if (slot.spec.readyUrl) void this.announceReady(slot.spec.readyUrl, child, exitedAt);
  }

  private async announceReady(url: string, child: ManagedChild, exitedAt: number): Promise<void> {
    const gone = () => (!child.running || this.phase === 'stopping' ? 'gone' : undefined);
    try {
      await waitUntilReady(url, READY_AGAIN_TIMEOUT_MS, gone);
      this.options.say(
        `${child.spec.name} (pid ${child.process.pid}) ready again, ${this.now() - exitedAt} ms after it exited`,
      );
    } catch (error) {
      // Exited again (its exit is reported) or the cluster is stopping: nothing to add.
      if (!gone())
        this.options.say(
          `${child.spec.name} (pid ${child.process.pid}) restarted but not ready: ${errorMessage(error)}`,
        );
    }
  }
}

export function describeExit({ code, signal }: ChildExit): string {
  if (signal) return `signal ${signal}`;
  return code === null ? 'failed to start' : `code ${code}`;
}
