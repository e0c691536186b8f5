import type { RequestContext } from '@switchboard/protocol';
import { AppError, createLogger, type Logger } from '@switchboard/runtime';
import type { Bus, BusReply, CommandHandlers, RequestOptions } from './bus.ts';
import { runCommand } from './command-runner.ts';
import { replyToResult, unavailable } from './replies.ts';

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
export class MemoryBus implements Bus {
  private readonly queues = new Map<string, Envelope[]>();
  private readonly handlers = new Map<string, CommandHandlers>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Commands being handled, per service: still part of the depth until they finish. */
  private readonly running = new Map<string, number>();
  private closed = false;

  private readonly defaultTimeoutMs: number;
  private readonly log: Logger;

  constructor(options: { timeoutMs?: number; log?: Logger } = {}) {
    this.defaultTimeoutMs = options.timeoutMs ?? 5000;
    this.log = options.log ?? createLogger({ service: 'bus', level: 'silent' });
  }

  async request<T>(
    service: string,
    command: string,
    payload: unknown,
    ctx: RequestContext,
    options: RequestOptions = {},
  ): Promise<T> {
    // Checked before the deadline timer exists: a refused request must not leave a timer behind.
    if (this.closed) throw new AppError('UNAVAILABLE', 'Bus is closed');
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
    return replyToResult<T>(reply);
  }

  async send(service: string, command: string, payload: unknown, ctx: RequestContext): Promise<void> {
    this.enqueue(service, { command, payload, ctx });
  }

  async handle(service: string, handlers: CommandHandlers): Promise<void> {
    if (this.handlers.has(service)) throw new Error(`bus: ${service} already has handlers`);
    this.handlers.set(service, handlers);
    this.drain(service);
  }

  async depth(service: string): Promise<number> {
    return (this.queues.get(service)?.length ?? 0) + (this.running.get(service) ?? 0);
  }

  /** Waits for running handlers, but never longer than `graceMs` (a stuck handler must not hang shutdown). */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    clearTimeout(timer);
  }

  private enqueue(service: string, envelope: Envelope): void {
    if (this.closed) throw new AppError('UNAVAILABLE', 'Bus is closed');
    const queue = this.queues.get(service) ?? [];
    queue.push(envelope);
    this.queues.set(service, queue);
    queueMicrotask(() => this.drain(service));
  }

  private drain(service: string): void {
    const handlers = this.handlers.get(service);
    const queue = this.queues.get(service);
    if (!handlers || !queue) return;
    while (queue.length > 0) {
      const envelope = queue.shift()!;
      this.running.set(service, (this.running.get(service) ?? 0) + 1);
      const task = this.dispatch(handlers, envelope).finally(() => {
        this.inFlight.delete(task);
        this.running.set(service, (this.running.get(service) ?? 1) - 1);
      });
      this.inFlight.add(task);
    }
  }

  private async dispatch(handlers: CommandHandlers, { command, payload, ctx, reply }: Envelope): Promise<void> {
    // Run first: `reply?.(await …)` would skip the command itself when nobody awaits a reply.
    const result = await runCommand(handlers, command, payload, ctx, this.log);
    reply?.(result);
  }
}
