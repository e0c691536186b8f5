import { errorMessage, type Logger, type Metrics } from '@switchboard/runtime';
import type { Redis } from 'ioredis';
import { type HandlerTable, runCommand } from './command-runner.ts';
import { PartitionLeases } from './partition-leases.ts';
import type { BusKeys } from './redis-keys.ts';
import { commandAbandoned } from './refusals.ts';
import { Backoff, StopSignal } from './stop-signal.ts';
import {
  addDeadLetter,
  autoClaim,
  deliveryCounts,
  ensureGroup,
  groupDepth,
  pruneIdleConsumers,
  type RawEntry,
  readStreams,
  takeDoneKey,
} from './stream-commands.ts';
import { decodeEntry, encodeReplyMessage, serializeReply } from './stream-entry.ts';

export interface StreamConsumerOptions {
  service: string;
  table: HandlerTable;
  /** Non-blocking commands: XACK, XAUTOCLAIM, leases, done markers, PUBLISH of replies. */
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
  /** Streams the service's commands are split over (the same number in every process). */
  partitions: number;
  /** A partition whose owner has not renewed its lease for this long goes to another consumer. */
  leaseMs: number;
  /**
   * An entry taken over from another consumer after this many deliveries that never finished (its
   * process died with it each time: a poison command) is dead-lettered instead of run again.
   */
  maxDeliveries: number;
}

interface InFlight {
  task: Promise<void>;
  partition: number;
  /** When the command's running marker was last refreshed. */
  touchedAt: number;
  /** The command's done key while it holds the running marker (kept alive with the entry). */
  runningKey?: string;
}

/**
 * Consumes one service's partitioned streams as a member of its consumer group. Each partition
 * is read by the one consumer holding its lease, in stream order: a consumer that takes a
 * partition over first claims and runs the entries the previous owner left pending, and only
 * then reads new ones. Handlers of a partition start in stream order (several may run at
 * once); an entry is acked only after its reply is published, so a crash means redelivery
 * (at least once) to the next owner.
 */
export class StreamConsumer {
  private readonly stop = new StopSignal();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly streams: string[];
  private readonly group: string;
  private readonly log: Logger;
  private readonly leases: PartitionLeases;
  private readonly runningMarker: string;
  /** XAUTOCLAIM cursor of each partition being taken over. */
  private readonly recoverFrom = new Map<number, string>();
  private loops: Promise<void>[] = [];

  constructor(private readonly o: StreamConsumerOptions) {
    this.streams = Array.from({ length: o.partitions }, (_, p) => o.keys.stream(o.service, p));
    this.group = o.service;
    this.runningMarker = `running:${o.consumer}`;
    this.log = o.log.child({ service: o.service, consumer: o.consumer });
    this.leases = new PartitionLeases({ ...o, log: this.log });
    o.blocking.on('error', () => undefined); // failures surface (and are logged) in the read loop
  }

  async start(): Promise<void> {
    await this.ensureGroups();
    await this.leases.tick();
    this.loops = [this.readLoop(), this.maintenanceLoop()];
  }

  /**
   * Stop reading, then wait at most `graceMs` for the loops and the handlers already running
   * (a loop can be stuck on a command queued while Redis is down), and hand the partitions
   * back so another consumer takes them at once. Whatever is left unacked goes to that owner.
   */
  async close(graceMs: number): Promise<void> {
    this.stop.stop();
    this.wake();
    this.o.blocking.disconnect(); // interrupts a blocked XREADGROUP at once
    const grace = new StopSignal();
    const work = Promise.allSettled([...this.loops, ...[...this.inFlight.values()].map((f) => f.task)]);
    await Promise.race([work, grace.sleep(graceMs)]);
    if (this.inFlight.size > 0) this.log.warn({ left: this.inFlight.size }, 'bus closed with handlers running');
    await Promise.race([this.leases.releaseAll().catch(() => undefined), grace.sleep(graceMs)]);
    grace.stop();
  }

  /** Commands accepted but not finished, over every partition. */
  async depth(): Promise<number> {
    const depths = await Promise.all(this.streams.map((s) => groupDepth(this.o.redis, s, this.group)));
    return depths.reduce((a, b) => a + b, 0);
  }

  /** Set while the read loop waits for a free handler slot or a partition; called when one comes (or on close). */
  private wakeReader: (() => void) | undefined;

  private wake(): void {
    this.wakeReader?.();
    this.wakeReader = undefined;
  }

  private waitForWake(ms?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      this.wakeReader = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private get free(): number {
    return this.o.concurrency - this.inFlight.size;
  }

  private async ensureGroups(): Promise<void> {
    for (const stream of this.streams) await ensureGroup(this.o.redis, stream, this.group);
  }

  private async readLoop(): Promise<void> {
    const backoff = new Backoff();
    while (!this.stop.isStopped) {
      if (this.free <= 0) {
        await this.waitForWake();
        continue;
      }
      try {
        await this.handOver();
        if (await this.recoverOne()) continue;
        const active = this.leases.in('active');
        if (active.length === 0) {
          await this.waitForWake(this.o.blockMs);
          continue;
        }
        const read = await readStreams(
          this.o.blocking,
          active.map((p) => this.streams[p]!),
          this.group,
          this.o.consumer,
          this.free,
          '>',
          this.o.blockMs,
        );
        if (this.stop.isStopped) break; // read as we closed: left pending, the next owner runs them
        for (const { stream, entries } of read) {
          const partition = this.streams.indexOf(stream);
          // A lease lost during the read: left pending, the new owner claims them in order.
          if (!this.leases.owns(partition)) continue;
          for (const entry of entries) this.dispatch(partition, entry);
        }
        if (backoff.succeed()) this.log.info('bus consumer recovered');
      } catch (error) {
        if (this.stop.isStopped) break;
        await this.recover(error, backoff, 'bus read failed');
      }
    }
  }

  /**
   * Take over one partition's pending entries (whoever held them), a batch per call, in stream
   * order; the partition becomes active (new entries read) once none is left. True if it worked.
   */
  private async recoverOne(): Promise<boolean> {
    const partition = this.leases.in('recovering')[0];
    if (partition === undefined) return false;
    const { next, entries } = await autoClaim(
      this.o.redis,
      this.streams[partition]!,
      this.group,
      this.o.consumer,
      0,
      this.recoverFrom.get(partition) ?? '0-0',
      this.free,
    );
    if (!this.leases.owns(partition)) return true; // lost meanwhile: the next owner claims them
    if (entries.length > 0) this.log.info({ partition, count: entries.length }, 'bus took over pending entries');
    // Entries left by a consumer that died: how often each was delivered decides whether it runs again.
    const deliveries = await deliveryCounts(
      this.o.redis,
      this.streams[partition]!,
      this.group,
      this.o.consumer,
      entries.map((e) => e.streamId),
    );
    for (const entry of entries) this.dispatch(partition, entry, deliveries.get(entry.streamId));
    if (next === '0-0') {
      this.recoverFrom.delete(partition);
      this.leases.markActive(partition);
    } else this.recoverFrom.set(partition, next);
    return true;
  }

  /** Partitions above this consumer's share are given back once their handlers finished. */
  private async handOver(): Promise<void> {
    for (const partition of this.leases.in('releasing')) {
      if ([...this.inFlight.values()].some((f) => f.partition === partition)) continue;
      await this.leases.release(partition);
      this.log.info({ partition }, 'bus partition handed over');
    }
  }

  /** Leases, own work kept alive, stuck entries retried, dead consumers pruned, queue depth reported. */
  private async maintenanceLoop(): Promise<void> {
    const backoff = new Backoff();
    const intervalMs = Math.max(50, Math.floor(Math.min(this.o.claimIdleMs, this.o.leaseMs) / 3));
    while (!this.stop.isStopped) {
      await this.stop.sleep(intervalMs);
      if (this.stop.isStopped) break;
      try {
        if (await this.leases.tick()) this.wake();
        await this.keepAlive();
        await this.reclaim();
        await this.pruneConsumers();
        this.o.metrics?.busQueueDepth.set({ stream: this.o.service }, await this.depth());
        if (backoff.succeed()) this.log.info('bus maintenance recovered');
      } catch (error) {
        if (this.stop.isStopped) break;
        await this.recover(error, backoff, 'bus maintenance failed');
      }
    }
  }

  private async recover(error: unknown, backoff: Backoff, message: string): Promise<void> {
    const { delayMs, first } = backoff.fail();
    if (first) this.log.warn({ err: errorMessage(error) }, message);
    // The streams (and so the group) may have been deleted, e.g. Redis came back empty: recreate.
    if (error instanceof Error && error.message.includes('NOGROUP')) {
      await this.ensureGroups().catch(() => undefined);
    }
    await this.stop.sleep(delayMs);
  }

  /** Refresh the running markers of long handlers, so a duplicate of theirs is not run meanwhile. */
  private async keepAlive(): Promise<void> {
    const now = Date.now();
    const stale = [...this.inFlight.values()].filter((f) => f.runningKey && now - f.touchedAt > this.o.claimIdleMs / 3);
    await Promise.all(stale.map((f) => this.o.redis.pexpire(f.runningKey!, this.o.claimIdleMs)));
    for (const f of stale) f.touchedAt = now;
  }

  private lastPrune = Date.now();

  /** Once a minute: forget consumers (dead processes) idle for an hour or 20 × claimIdleMs. */
  private async pruneConsumers(): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    const idleMs = Math.max(3_600_000, this.o.claimIdleMs * 20);
    let pruned = 0;
    for (const stream of this.streams) pruned += await pruneIdleConsumers(this.o.redis, stream, this.group, idleMs);
    if (pruned > 0) this.log.info({ pruned }, 'bus removed idle consumers');
  }

  /** Entries of owned partitions left pending (a failed ack, a duplicate that was running) are tried again. */
  private async reclaim(): Promise<void> {
    for (const partition of this.leases.in('active')) {
      let cursor = '0-0';
      do {
        if (this.free <= 0 || this.stop.isStopped) return;
        const { next, entries } = await autoClaim(
          this.o.redis,
          this.streams[partition]!,
          this.group,
          this.o.consumer,
          this.o.claimIdleMs,
          cursor,
          this.free,
        );
        if (this.stop.isStopped || !this.leases.owns(partition)) return;
        const fresh = entries.filter((e) => !this.inFlight.has(`${partition}:${e.streamId}`));
        if (fresh.length > 0) this.log.info({ partition, count: fresh.length }, 'bus retried pending entries');
        for (const entry of fresh) this.dispatch(partition, entry);
        cursor = next;
      } while (cursor !== '0-0');
    }
  }

  /** `deliveries`: set for an entry taken over from another consumer (XPENDING's counter). */
  private dispatch(partition: number, raw: RawEntry, deliveries?: number): void {
    const key = `${partition}:${raw.streamId}`;
    if (this.inFlight.has(key)) return;
    const flight: InFlight = { task: Promise.resolve(), partition, touchedAt: Date.now() };
    this.inFlight.set(key, flight);
    flight.task = this.process(partition, raw, flight, deliveries)
      .catch((error: unknown) => this.log.warn({ err: error, entryId: raw.streamId }, 'bus entry left pending'))
      .finally(() => {
        this.inFlight.delete(key);
        this.wake();
      });
  }

  /**
   * Run one entry, publish the reply, then ack. The command's done key guards against running it
   * twice: a running marker while a consumer works on it, then the reply, which answers any
   * redelivery without running the handler again. Taking the key is one round trip on the
   * shared connection, so handlers start in the order their entries were dispatched.
   */
  private async process(partition: number, raw: RawEntry, flight: InFlight, deliveries?: number): Promise<void> {
    const { redis, keys, service, table } = this.o;
    const stream = this.streams[partition]!;
    const decoded = decodeEntry(raw.fields);
    if (!decoded.ok) {
      this.log.warn({ entryId: raw.streamId, reason: decoded.reason }, 'bus entry malformed');
      await redis.xack(stream, this.group, raw.streamId);
      return;
    }
    const { entry } = decoded;
    const hops = entry.trace ? this.o.metrics?.hops : undefined;
    if (entry.trace) hops?.mark(entry.trace, 'bus entry read');
    const doneKey = keys.done(service, entry.id);
    const command = Object.hasOwn(table.handlers, entry.command) ? entry.command : 'unknown';
    const taken = await takeDoneKey(redis, doneKey, this.runningMarker, this.o.claimIdleMs);
    if (!taken.run) {
      // A duplicate of a command this consumer is still running: left pending, retried later.
      if (taken.stored === this.runningMarker) return;
      await this.answer(stream, entry.replyTo, entry.id, taken.stored, raw.streamId);
      this.o.metrics?.busHandled.inc({ command, outcome: 'duplicate' });
      return;
    }
    if (deliveries !== undefined && deliveries > this.o.maxDeliveries) {
      await this.deadLetter(stream, raw, entry.id, entry.command, entry.replyTo, deliveries, doneKey);
      this.o.metrics?.busHandled.inc({ command, outcome: 'dead_letter' });
      return;
    }
    flight.runningKey = doneKey;
    if (entry.trace) hops?.mark(entry.trace, 'bus handler starts (done key taken)');
    const reply = await runCommand(table, entry.command, entry.payload, entry.ctx, this.log);
    flight.runningKey = undefined;
    const replyJson = serializeReply(reply);
    if (entry.trace) hops?.mark(entry.trace, 'bus reply sent (stored, published, acked)');
    await this.answer(stream, entry.replyTo, entry.id, replyJson, raw.streamId, doneKey);
    this.o.metrics?.busHandled.inc({ command, outcome: reply.ok ? 'ok' : reply.code });
  }

  /**
   * A command taken over more than `maxDeliveries` times, none of which finished: every process
   * that ran it died (a poison command), so running it again would only take this one down too.
   * It goes to the service's dead-letter stream as it was read, then is answered like a failure —
   * the error stored in its done key, so a later redelivery is answered without running — and
   * acked, and the partition goes on with the entries after it.
   */
  private async deadLetter(
    stream: string,
    raw: RawEntry,
    id: string,
    command: string,
    replyTo: string | undefined,
    deliveries: number,
    doneKey: string,
  ): Promise<void> {
    const { redis, keys, service } = this.o;
    const fields = raw.fields ?? [];
    const original: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) original[fields[i]!] = fields[i + 1]!;
    await addDeadLetter(redis, keys.deadLetters(service), {
      ...original,
      deadStream: stream,
      deadEntryId: raw.streamId,
      deadDeliveries: String(deliveries),
      deadAt: new Date().toISOString(),
      deadConsumer: this.o.consumer,
    });
    this.log.error(
      { entryId: raw.streamId, commandId: id, command, deliveries, deadLetters: keys.deadLetters(service) },
      'bus command dead-lettered: every delivery ended with its process gone',
    );
    const reply = serializeReply({ ok: false, code: 'INTERNAL', error: commandAbandoned(deliveries - 1) });
    await this.answer(stream, replyTo, id, reply, raw.streamId, doneKey);
  }

  /**
   * Store the reply (when `doneKey` is given), publish it, then ack: three commands issued
   * together on the shared connection, which auto-pipelines what is issued in one tick — so the
   * answers of a whole group commit (its handlers all resume in the same tick) leave in one write,
   * not one write each as an explicit pipeline per answer did (docs/performance.md, perffan).
   * Redis runs a connection's commands in order, so a redelivery never finds the entry acked
   * without its reply stored.
   */
  private async answer(
    stream: string,
    replyTo: string | undefined,
    id: string,
    replyJson: string,
    streamId: string,
    doneKey?: string,
  ): Promise<void> {
    const { redis } = this.o;
    await Promise.all([
      doneKey ? redis.set(doneKey, replyJson, 'PX', this.o.doneTtlMs) : undefined,
      replyTo ? redis.publish(replyTo, encodeReplyMessage(id, replyJson)) : undefined,
      redis.xack(stream, this.group, streamId),
    ]);
  }
}
