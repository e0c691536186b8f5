import crypto from 'node:crypto';
import type {
  BusCommands,
  CommandInput,
  CommandOf,
  CommandRegistry,
  CommandResult,
  RequestContext,
  ServiceOf,
} from '@switchboard/protocol';
import { AppError, errorMessage, type Logger, type Metrics, REFUSALS } from '@switchboard/runtime';
import type { Redis } from 'ioredis';
import type { Bus, BusReply, CountGuard, RequestOptions, SendOptions, ServiceHandlers } from './bus.ts';
import { handlerTable, registryOrDefault } from './handler-table.ts';
import { partitionKeyOf, partitionOf } from './partitions.ts';
import { type BusKeys, busKeys } from './redis-keys.ts';
import { BUS_CLOSED, serviceUnreachable } from './refusals.ts';
import { overLimit, replyToResult, unavailable } from './replies.ts';
import { ReplyChannel } from './reply-channel.ts';
import { addEntry } from './stream-add.ts';
import { groupDepth } from './stream-commands.ts';
import { StreamConsumer } from './stream-consumer.ts';
import { type CommandEntry, encodeEntry } from './stream-entry.ts';

export interface RedisBusOptions<R extends CommandRegistry = BusCommands> {
  /** The registry payloads are validated against (default: Switchboard's `BUS_COMMANDS`). */
  commands?: R;
  /** Commands that never block: XADD, XACK, XAUTOCLAIM, PUBLISH, done markers. */
  redis: Redis;
  /** Pub/sub connection for this process's reply channel (used for nothing else). */
  subscriber: Redis;
  /** REDIS_PREFIX: every key and channel lives under it. */
  prefix: string;
  /** Unique per process (e.g. `service-host-pid`): names the consumer and the reply channel. */
  consumer: string;
  log: Logger;
  metrics?: Metrics;
  /** Default request deadline (BUS_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Entries idle longer than this in another consumer's hands are taken over (it is presumed dead). */
  claimIdleMs?: number;
  /** Handlers running at once per service in this process. */
  concurrency?: number;
  /** How long a processed command's id (and reply) is kept to answer redeliveries without re-running. */
  doneTtlMs?: number;
  /** Approximate cap on each stream's length (XADD MAXLEN ~). */
  maxStreamLength?: number;
  /** How long `close()` waits for running handlers. */
  closeGraceMs?: number;
  /** Streams each service's commands are split over (BUS_PARTITIONS; the same in every process). */
  partitions?: number;
  /** A partition's owner that has not renewed its lease for this long is presumed dead (BUS_LEASE_MS). */
  leaseMs?: number;
  /** Deliveries of a command that never finished before it is dead-lettered (default 5). */
  maxDeliveries?: number;
}

const CLOSED: BusReply = { ok: false, code: 'UNAVAILABLE', error: BUS_CLOSED };

/**
 * The cluster's bus over Redis Streams: each service's commands are split by partition key over
 * `partitions` streams, consumed by a consumer group named after the service (one consumer per
 * process), each stream by one lease-holding consumer at a time, in order; replies come back on
 * a per-process pub/sub channel. Delivery is at least once; see README.md.
 */
export class RedisBus<R extends CommandRegistry = BusCommands> implements Bus<R> {
  private readonly keys: BusKeys;
  private readonly replies: ReplyChannel;
  private readonly consumers = new Map<string, StreamConsumer>();
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly commands: R;
  private readonly partitions: number;
  private closed = false;
  private draining: Promise<void> | undefined;

  constructor(private readonly o: RedisBusOptions<R>) {
    this.commands = registryOrDefault(o.commands);
    this.keys = busKeys(o.prefix);
    this.log = o.log.child({ component: 'bus' });
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.partitions = o.partitions ?? 8;
    this.replies = new ReplyChannel(o.subscriber, this.keys.replyChannel(o.consumer), this.log);
  }

  async request<S extends ServiceOf<R>, C extends CommandOf<R, S>>(
    service: S,
    command: C,
    payload: CommandInput<R, S, C>,
    ctx: RequestContext,
    options: RequestOptions = {},
  ): Promise<CommandResult<R, S, C>> {
    this.assertOpen();
    const started = performance.now();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    const id = crypto.randomUUID();
    const { traceKey: trace, guard } = options;
    const hops = this.o.metrics?.hops;
    // The deadline runs from here, even if Redis is down and the subscription or XADD is queued.
    const waiting = this.replies.expect(id, timeoutMs, () => unavailable(service));
    this.replies
      .ready() // subscribed before the command exists, so even an instant reply is heard
      .then(() => {
        if (!this.replies.isWaiting(id)) return; // already timed out: do not send a command nobody awaits
        const entry = { id, command, payload, ctx, replyTo: this.replies.channel, deadline };
        if (trace) hops?.mark(trace, 'bus XADD sent');
        return this.append(service, trace ? { ...entry, trace } : entry, guard).then((added) => {
          if (!added) this.replies.settle(id, overLimit());
          else if (trace) hops?.mark(trace, 'bus XADD done');
        });
      })
      .catch((error: unknown) => {
        this.log.warn({ err: errorMessage(error), service, command }, 'bus request not sent');
        this.replies.settle(id, unavailable(service));
      });
    const reply = await waiting;
    if (trace) hops?.mark(trace, 'bus reply received');
    this.o.metrics?.busLatency.observe({ service, command }, (performance.now() - started) / 1000);
    return replyToResult<CommandResult<R, S, C>>(reply);
  }

  async send<S extends ServiceOf<R>, C extends CommandOf<R, S>>(
    service: S,
    command: C,
    payload: CommandInput<R, S, C>,
    ctx: RequestContext,
    options: SendOptions = {},
  ): Promise<void> {
    this.assertOpen();
    const deadline = Date.now() + this.timeoutMs;
    let added: boolean;
    try {
      added = await this.append(service, { id: crypto.randomUUID(), command, payload, ctx, deadline }, options.guard);
    } catch (error) {
      this.log.warn({ err: errorMessage(error), service, command }, 'bus send failed');
      throw new AppError('UNAVAILABLE', serviceUnreachable(service));
    }
    if (!added) throw new AppError('RATE_LIMITED', REFUSALS.rateLimited);
  }

  async handle<S extends ServiceOf<R>>(service: S, handlers: ServiceHandlers<S, R>): Promise<void> {
    this.assertOpen();
    if (await this.draining) throw new Error(`bus: ${service} cannot start handling while the bus drains`);
    if (this.consumers.has(service)) throw new Error(`bus: ${service} already has handlers`);
    const consumer = new StreamConsumer({
      service,
      table: handlerTable(this.commands, service, handlers),
      redis: this.o.redis,
      blocking: this.o.redis.duplicate({ connectionName: `${this.o.consumer}:bus-read:${service}` }),
      keys: this.keys,
      consumer: this.o.consumer,
      log: this.log,
      metrics: this.o.metrics,
      concurrency: this.o.concurrency ?? 64,
      claimIdleMs: this.o.claimIdleMs ?? 15_000,
      doneTtlMs: this.o.doneTtlMs ?? 5 * 60_000,
      blockMs: 1000,
      partitions: this.partitions,
      leaseMs: this.o.leaseMs ?? 5000,
      maxDeliveries: this.o.maxDeliveries ?? 5,
    });
    this.consumers.set(service, consumer);
    try {
      await consumer.start();
    } catch (error) {
      this.consumers.delete(service);
      await consumer.close(0);
      throw error;
    }
  }

  async depth(service: ServiceOf<R>): Promise<number> {
    const streams = Array.from({ length: this.partitions }, (_, p) => this.keys.stream(service, p));
    const depths = await Promise.all(streams.map((stream) => groupDepth(this.o.redis, stream, service)));
    const depth = depths.reduce((a, b) => a + b, 0);
    this.o.metrics?.busQueueDepth.set({ stream: service }, depth);
    return depth;
  }

  /** Stop reading this process's streams; what is left unacked is redelivered to another consumer. */
  drain(): Promise<void> {
    const graceMs = this.o.closeGraceMs ?? 10_000;
    this.draining ??= Promise.all([...this.consumers.values()].map((c) => c.close(graceMs))).then(() => undefined);
    return this.draining;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    await this.replies.close(CLOSED);
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('UNAVAILABLE', BUS_CLOSED);
  }

  /** XADD to the partition of the command's key: commands with one key stay in one ordered stream. */
  private async append(service: string, entry: CommandEntry, guard: CountGuard | undefined): Promise<boolean> {
    const maxLength = this.o.maxStreamLength ?? 100_000;
    const specs = Object.hasOwn(this.commands, service) ? this.commands[service] : undefined;
    const spec = specs && Object.hasOwn(specs, entry.command) ? specs[entry.command] : undefined;
    const partition = partitionOf(partitionKeyOf(spec?.partitionKey, entry.payload, entry.ctx), this.partitions);
    const stream = this.keys.stream(service, partition);
    return addEntry(this.o.redis, stream, encodeEntry(entry), maxLength, guard);
  }
}
