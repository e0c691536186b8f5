import { errorMessage, type Logger, type Metrics } from '@switchboard/runtime';
import type { Redis } from 'ioredis';
import type { CommandHandlers } from './bus.ts';
import { runCommand } from './command-runner.ts';
import type { BusKeys } from './redis-keys.ts';
import { Backoff, StopSignal } from './stop-signal.ts';
import {
  autoClaim,
  ensureGroup,
  groupDepth,
  pruneIdleConsumers,
  type RawEntry,
  readGroup,
  touchEntries,
} from './stream-commands.ts';
import { decodeEntry, encodeReplyMessage, serializeReply } from './stream-entry.ts';

export interface StreamConsumerOptions {
  service: string;
  handlers: CommandHandlers;
  /** Non-blocking commands: XACK, XAUTOCLAIM, GET/SET of done markers, PUBLISH of replies. */
  redis: Redis;
  /** Dedicated connection for the blocking XREADGROUP (closed by the consumer). */
  blocking: Redis;
  keys: BusKeys;
  consumer: string;
  log: Logger;
  metrics?: Metrics;
  concurrency: number;
  claimIdleMs: number;
  doneTtlMs: number;
  blockMs: number;
}

interface InFlight {
  task: Promise<void>;
  /** When the entry's idle time was last reset (delivery, or a keep-alive XCLAIM). */
  touchedAt: number;
  /** The command's done key while it holds the RUNNING marker (kept alive with the entry). */
  runningKey?: string;
}

/** Done-key value while a consumer works on the command; replaced by the reply JSON when done. */
const RUNNING = 'running';

/**
 * Consumes one service's stream as a member of its consumer group: this consumer's own pending
 * entries first, then new ones; reclaims entries a dead consumer held; acks only after the reply
 * is published, so a crash before the ack means redelivery (at least once).
 */
export class StreamConsumer {
  private readonly stop = new StopSignal();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly stream: string;
  private readonly group: string;
  private readonly log: Logger;
  private loops: Promise<void>[] = [];

  constructor(private readonly o: StreamConsumerOptions) {
    this.stream = o.keys.stream(o.service);
    this.group = o.service;
    this.log = o.log.child({ stream: this.stream, consumer: o.consumer });
    o.blocking.on('error', () => undefined); // failures surface (and are logged) in the read loop
  }

  async start(): Promise<void> {
    await ensureGroup(this.o.redis, this.stream, this.group);
    this.loops = [this.readLoop(), this.maintenanceLoop()];
  }

  /**
   * Stop reading, then wait at most `graceMs` for the loops and the handlers already running
   * (a loop can be stuck on a command queued while Redis is down). Whatever is left unacked is
   * redelivered to another consumer.
   */
  async close(graceMs: number): Promise<void> {
    this.stop.stop();
    this.wake();
    this.o.blocking.disconnect(); // interrupts a blocked XREADGROUP at once
    const grace = new StopSignal();
    const work = Promise.allSettled([...this.loops, ...[...this.inFlight.values()].map((f) => f.task)]);
    await Promise.race([work, grace.sleep(graceMs)]);
    grace.stop();
    if (this.inFlight.size > 0) this.log.warn({ left: this.inFlight.size }, 'bus closed with handlers running');
  }

  /** Set while the read loop waits for a free handler slot; called when one frees (or on close). */
  private wakeReader: (() => void) | undefined;

  private wake(): void {
    this.wakeReader?.();
    this.wakeReader = undefined;
  }

  private get free(): number {
    return this.o.concurrency - this.inFlight.size;
  }

  private async readLoop(): Promise<void> {
    const backoff = new Backoff();
    let ownPendingFrom: string | undefined = '0'; // entries delivered to this consumer before a restart
    while (!this.stop.isStopped) {
      if (this.free <= 0) {
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
        continue;
      }
      try {
        const from = ownPendingFrom ?? '>';
        const entries = await readGroup(
          this.o.blocking,
          this.stream,
          this.group,
          this.o.consumer,
          this.free,
          from,
          this.o.blockMs,
        );
        if (this.stop.isStopped) break; // read as we closed: left pending, redelivered elsewhere
        if (ownPendingFrom !== undefined) ownPendingFrom = entries.at(-1)?.streamId;
        for (const entry of entries) this.dispatch(entry);
        if (backoff.succeed()) this.log.info('bus consumer recovered');
      } catch (error) {
        if (this.stop.isStopped) break;
        await this.recover(error, backoff, 'bus read failed');
      }
    }
  }

  /** Keep own work claimed, take over work of dead consumers, report the queue depth. */
  private async maintenanceLoop(): Promise<void> {
    const backoff = new Backoff();
    const intervalMs = Math.min(5000, Math.max(50, Math.floor(this.o.claimIdleMs / 3)));
    while (!this.stop.isStopped) {
      await this.stop.sleep(intervalMs);
      if (this.stop.isStopped) break;
      try {
        await this.keepAlive();
        await this.reclaim();
        await this.pruneConsumers();
        this.o.metrics?.busQueueDepth.set(
          { stream: this.o.service },
          await groupDepth(this.o.redis, this.stream, this.group),
        );
        if (backoff.succeed()) this.log.info('bus reclaim recovered');
      } catch (error) {
        if (this.stop.isStopped) break;
        await this.recover(error, backoff, 'bus reclaim failed');
      }
    }
  }

  private async recover(error: unknown, backoff: Backoff, message: string): Promise<void> {
    const { delayMs, first } = backoff.fail();
    if (first) this.log.warn({ err: errorMessage(error) }, message);
    // The stream (and so the group) may have been deleted: recreate before the next read.
    if (error instanceof Error && error.message.startsWith('NOGROUP')) {
      await ensureGroup(this.o.redis, this.stream, this.group).catch(() => undefined);
    }
    await this.stop.sleep(delayMs);
  }

  private async keepAlive(): Promise<void> {
    const now = Date.now();
    const stale = [...this.inFlight].filter(([, f]) => now - f.touchedAt > this.o.claimIdleMs / 3);
    if (stale.length === 0) return;
    await touchEntries(
      this.o.redis,
      this.stream,
      this.group,
      this.o.consumer,
      stale.map(([id]) => id),
    );
    const running = stale.flatMap(([, f]) => (f.runningKey ? [f.runningKey] : []));
    await Promise.all(running.map((key) => this.o.redis.pexpire(key, this.o.claimIdleMs)));
    for (const [, f] of stale) f.touchedAt = now;
  }

  private lastPrune = Date.now();

  /** Once a minute: forget consumers (dead processes) idle for an hour or 20 × claimIdleMs. */
  private async pruneConsumers(): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    const pruned = await pruneIdleConsumers(
      this.o.redis,
      this.stream,
      this.group,
      Math.max(3_600_000, this.o.claimIdleMs * 20),
    );
    if (pruned > 0) this.log.info({ pruned }, 'bus removed idle consumers');
  }

  private async reclaim(): Promise<void> {
    let cursor = '0-0';
    do {
      if (this.free <= 0 || this.stop.isStopped) return;
      const { next, entries } = await autoClaim(
        this.o.redis,
        this.stream,
        this.group,
        this.o.consumer,
        this.o.claimIdleMs,
        cursor,
        this.free,
      );
      if (this.stop.isStopped) return;
      const fresh = entries.filter((e) => !this.inFlight.has(e.streamId));
      if (fresh.length > 0) this.log.info({ count: fresh.length }, 'bus reclaimed entries');
      for (const entry of fresh) this.dispatch(entry);
      cursor = next;
    } while (cursor !== '0-0');
  }

  private dispatch(raw: RawEntry): void {
    if (this.inFlight.has(raw.streamId)) return;
    const task = this.process(raw)
      .catch((error: unknown) => this.log.warn({ err: error, entryId: raw.streamId }, 'bus entry left pending'))
      .finally(() => {
        this.inFlight.delete(raw.streamId);
        this.wake();
      });
    this.inFlight.set(raw.streamId, { task, touchedAt: Date.now() });
  }

  /**
   * Run one entry, publish the reply, then ack. The command's done key guards against running it
   * twice: RUNNING while a consumer works on it (expires with that consumer), then the reply, which
   * answers any redelivery without running the handler again.
   */
  private async process(raw: RawEntry): Promise<void> {
    const { redis, keys, service, handlers } = this.o;
    const decoded = decodeEntry(raw.fields);
    if (!decoded.ok) {
      this.log.warn({ entryId: raw.streamId, reason: decoded.reason }, 'bus entry malformed');
      await redis.xack(this.stream, this.group, raw.streamId);
      return;
    }
    const { entry } = decoded;
    const doneKey = keys.done(service, entry.id);
    const command = Object.hasOwn(handlers, entry.command) ? entry.command : 'unknown';
    if ((await redis.set(doneKey, RUNNING, 'PX', this.o.claimIdleMs, 'NX')) === null) {
      const stored = await redis.get(doneKey);
      // Still running elsewhere (or the marker just expired): leave it pending, reclaim decides later.
      if (stored === null || stored === RUNNING) return;
      await this.answer(entry.replyTo, entry.id, stored, raw.streamId);
      this.o.metrics?.busHandled.inc({ command, outcome: 'duplicate' });
      return;
    }
    const inFlight = this.inFlight.get(raw.streamId);
    if (inFlight) inFlight.runningKey = doneKey;
    const reply = await runCommand(handlers, entry.command, entry.payload, entry.ctx, this.log);
    if (inFlight) inFlight.runningKey = undefined;
    const replyJson = serializeReply(reply);
    await this.answer(entry.replyTo, entry.id, replyJson, raw.streamId, doneKey);
    this.o.metrics?.busHandled.inc({ command, outcome: reply.ok ? 'ok' : reply.code });
  }

  /**
   * Store the reply (when `doneKey` is given), publish it, then ack — one pipelined round trip on
   * the hot path. Redis runs a connection's commands in order, so a redelivery never finds the
   * entry acked without its reply stored.
   */
  private async answer(
    replyTo: string | undefined,
    id: string,
    replyJson: string,
    streamId: string,
    doneKey?: string,
  ): Promise<void> {
    const pipeline = this.o.redis.pipeline();
    if (doneKey) pipeline.set(doneKey, replyJson, 'PX', this.o.doneTtlMs);
    if (replyTo) pipeline.publish(replyTo, encodeReplyMessage(id, replyJson));
    pipeline.xack(this.stream, this.group, streamId);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
