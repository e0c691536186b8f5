import { errorMessage, type Logger } from '@switchboard/runtime';

/** How a part is taken down: `drain` stops it taking work, `stop` releases what it holds. */
export interface PartHooks<T> {
  /**
   * Phase 1 of a shutdown, newest part first: stop taking work while everything else still
   * runs (a listener stops accepting, a gateway closes its sockets in waves, the bus stops
   * reading commands and lets running handlers finish).
   */
  drain?: (part: T) => unknown;
  /** Phase 2, newest part first: release connections, timers, files. */
  stop?: (part: T) => unknown;
  /** Bound on each of this part's hooks (default: the lifecycle's). */
  timeoutMs?: number;
  /** Bound on `drain` alone, when the part knows it only once started (e.g. a gateway's grace period). */
  drainTimeoutMs?: (part: T) => number | undefined;
}

interface Part {
  name: string;
  drain?: () => unknown;
  stop?: () => unknown;
  timeoutMs: number;
  drainTimeoutMs: number;
}

export interface LifecycleOptions {
  /** Bound on each hook of a part that sets none (default 10 s). */
  timeoutMs?: number;
}

/**
 * One process's parts, started in dependency order and closed in reverse, in two phases (drain,
 * then stop), each hook bounded by a timeout and logged. Every composition root uses it (service
 * processes, the gateway process, the embedded server), so every process starts and stops the
 * same way. Modelled on Centrifugo's service manager and Fastify's `onClose` hooks.
 */
export class Lifecycle {
  private readonly parts: Part[] = [];
  private readonly defaultTimeoutMs: number;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly log: Logger,
    options: LifecycleOptions = {},
  ) {
    this.defaultTimeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Start a part now and register how it is taken down. If `start` throws, the parts already
   * started are closed (the error is rethrown), so a failed start-up leaves nothing running.
   */
  async add<T>(name: string, start: () => T | Promise<T>, hooks: PartHooks<T> = {}): Promise<T> {
    if (this.closing !== undefined) throw new Error(`lifecycle: cannot start ${name} while closing`);
    const started = performance.now();
    let part: T;
    try {
      part = await start();
    } catch (error) {
      this.log.error({ part: name, err: errorMessage(error) }, 'start failed');
      await this.close();
      throw error;
    }
    const { drain, stop } = hooks;
    const timeoutMs = hooks.timeoutMs ?? this.defaultTimeoutMs;
    this.parts.push({
      name,
      timeoutMs,
      drainTimeoutMs: hooks.drainTimeoutMs?.(part) ?? timeoutMs,
      ...(drain ? { drain: () => drain(part) } : {}),
      ...(stop ? { stop: () => stop(part) } : {}),
    });
    this.log.debug({ part: name, ms: Math.round(performance.now() - started) }, 'started');
    return part;
  }

  /** Drain every part, then stop every part, newest first. Idempotent; never throws. */
  close(): Promise<void> {
    this.closing ??= this.closeParts();
    return this.closing;
  }

  private async closeParts(): Promise<void> {
    const newestFirst = [...this.parts].reverse();
    for (const part of newestFirst) if (part.drain) await this.run(part, 'drain', part.drain);
    for (const part of newestFirst) if (part.stop) await this.run(part, 'stop', part.stop);
  }

  /** One hook, bounded: a part that hangs or fails is logged and the shutdown goes on. */
  private async run(part: Part, phase: 'drain' | 'stop', hook: () => unknown): Promise<void> {
    const started = performance.now();
    const timeoutMs = phase === 'drain' ? part.drainTimeoutMs : part.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(hook), timeout]);
      const ms = Math.round(performance.now() - started);
      if (outcome === 'timeout') this.log.warn({ part: part.name, phase, timeoutMs }, `${phase} timed out`);
      else this.log.info({ part: part.name, ms }, phase === 'drain' ? 'drained' : 'stopped');
    } catch (error) {
      this.log.error({ part: part.name, phase, err: errorMessage(error) }, `${phase} failed`);
    } finally {
      clearTimeout(timer);
    }
  }
}
