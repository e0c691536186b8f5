import type {
  BusCommands,
  CommandInput,
  CommandOf,
  CommandRegistry,
  CommandResult,
  RequestContext,
  ServiceOf,
} from '@switchboard/protocol';
import { AppError, createLogger, type Logger, REFUSALS } from '@switchboard/runtime';
import type { Bus, BusReply, CountGuard, RequestOptions, SendOptions, ServiceHandlers } from './bus.ts';
import { type HandlerTable, runCommand } from './command-runner.ts';
import { handlerTable, registryOrDefault } from './handler-table.ts';
import { MemoryCounters } from './memory-counters.ts';
import { BUS_CLOSED } from './refusals.ts';
import { replyToResult, unavailable } from './replies.ts';

export interface MemoryBusOptions<R extends CommandRegistry> {
  timeoutMs?: number;
  log?: Logger;
  /** The registry payloads are validated against (default: Switchboard's `BUS_COMMANDS`). */
  commands?: R;
  /** How long `drain`/`close` wait for running handlers. */
  closeGraceMs?: number;
}

interface Envelope {
  command: string;
  payload: unknown;
  ctx: RequestContext;
  reply?: (reply: BusReply) => void;
}

/**
 * The embedded mode's bus: same contract as the Redis bus inside one process. Commands sent
 * before their service registers wait in its queue, as they would in a stream.
 */
export class MemoryBus<R extends CommandRegistry = BusCommands> implements Bus<R> {
  private readonly queues = new Map<string, Envelope[]>();
  private readonly tables = new Map<string, HandlerTable>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Commands being handled, per service: still part of the depth until they finish. */
  private readonly running = new Map<string, number>();
  private readonly counters = new MemoryCounters();
  private closed = false;
  /** Set by `drain`: queued and new commands wait (as in a stream) instead of running. */
  private draining = false;

  private readonly defaultTimeoutMs: number;
  private readonly closeGraceMs: number;
  private readonly log: Logger;
  private readonly commands: R;

  constructor(options: MemoryBusOptions<R> = {}) {
    this.defaultTimeoutMs = options.timeoutMs ?? 5000;
    this.closeGraceMs = options.closeGraceMs ?? 10_000;
    this.log = options.log ?? createLogger({ service: 'bus', level: 'silent' });
    this.commands = registryOrDefault(options.commands);
  }

  async request<S extends ServiceOf<R>, C extends CommandOf<R, S>>(
    service: S,
    command: C,
    payload: CommandInput<R, S, C>,
    ctx: RequestContext,
    options: RequestOptions = {},
  ): Promise<CommandResult<R, S, C>> {
    // Checked before the deadline timer exists: a refused request must not leave a timer behind.
    if (this.closed) throw new AppError('UNAVAILABLE', BUS_CLOSED);
    this.admit(options.guard);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const reply = await new Promise<BusReply>((resolve) => {
      const timer = setTimeout(() => resolve(unavailable(service)), timeoutMs);
      this.enqueue(service, {
        command,
        payload,
        ctx,
        reply: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
    return replyToResult<CommandResult<R, S, C>>(reply);
  }

  async send<S extends ServiceOf<R>, C extends CommandOf<R, S>>(
    service: S,
    command: C,
    payload: CommandInput<R, S, C>,
    ctx: RequestContext,
    options: SendOptions = {},
  ): Promise<void> {
    if (this.closed) throw new AppError('UNAVAILABLE', BUS_CLOSED);
    this.admit(options.guard);
    this.enqueue(service, { command, payload, ctx });
  }

  async handle<S extends ServiceOf<R>>(service: S, handlers: ServiceHandlers<S, R>): Promise<void> {
    if (this.tables.has(service)) throw new Error(`bus: ${service} already has handlers`);
    this.tables.set(service, handlerTable(this.commands, service, handlers));
    this.dispatchQueued(service);
  }

  async depth(service: ServiceOf<R>): Promise<number> {
    return (this.queues.get(service)?.length ?? 0) + (this.running.get(service) ?? 0);
  }

  /** Waits for running handlers, but never longer than `closeGraceMs` (a stuck handler must not hang shutdown). */
  async drain(): Promise<void> {
    this.draining = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeGraceMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  /** A guard's hit counts even when it refuses, as in Redis; a refused command is never queued. */
  private admit(guard: CountGuard | undefined): void {
    if (guard && !this.counters.admit(guard)) throw new AppError('RATE_LIMITED', REFUSALS.rateLimited);
  }

  private enqueue(service: string, envelope: Envelope): void {
    if (this.closed) throw new AppError('UNAVAILABLE', BUS_CLOSED);
    const queue = this.queues.get(service) ?? [];
    queue.push(envelope);
    this.queues.set(service, queue);
    queueMicrotask(() => this.dispatchQueued(service));
  }

  private dispatchQueued(service: string): void {
    const table = this.tables.get(service);
    const queue = this.queues.get(service);
    if (!table || !queue || this.draining) return;
    while (queue.length > 0) {
      const envelope = queue.shift()!;
      this.running.set(service, (this.running.get(service) ?? 0) + 1);
      const task = this.dispatch(table, envelope).finally(() => {
        this.inFlight.delete(task);
        this.running.set(service, (this.running.get(service) ?? 1) - 1);
      });
      this.inFlight.add(task);
    }
  }

  private async dispatch(table: HandlerTable, { command, payload, ctx, reply }: Envelope): Promise<void> {
    // Run first: `reply?.(await …)` would skip the command itself when nobody awaits a reply.
    const result = await runCommand(table, command, payload, ctx, this.log);
    reply?.(result);
  }
}
