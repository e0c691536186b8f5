import type { Logger } from '@switchboard/runtime';
import type { Redis } from 'ioredis';
import type { BusKeys } from './redis-keys.ts';

export interface PartitionLeasesOptions {
  redis: Redis;
  keys: BusKeys;
  service: string;
  consumer: string;
  partitions: number;
  /** A lease not renewed for this long is free for another consumer (its owner is presumed dead). */
  leaseMs: number;
  log: Logger;
}

/**
 * recovering: just acquired, the previous owner's pending entries are to be finished first;
 * active: read new entries; releasing: read nothing more, hand over once its handlers finished.
 */
export type PartitionState = 'recovering' | 'active' | 'releasing';

// Compare-and-renew / compare-and-delete: only the owner named in the lease may touch it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * Which of a service's partitions this consumer owns. Each partition is owned by one consumer
 * at a time through a lease in Redis (SET NX PX, renewed every round). Consumers announce
 * themselves in a members set, and each takes at most its share (partitions / live members),
 * so replicas split the partitions; one with more than its share hands the extra ones back.
 */
export class PartitionLeases {
  private readonly owned = new Map<number, { state: PartitionState; renewedAt: number }>();
  /** Where this consumer starts looking for free partitions, so replicas starting together spread out. */
  private readonly offset: number;

  constructor(private readonly o: PartitionLeasesOptions) {
    let h = 0;
    for (const c of o.consumer) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    this.offset = h % o.partitions;
  }

  in(state: PartitionState): number[] {
    return [...this.owned].filter(([, l]) => l.state === state).map(([p]) => p);
  }

  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  markActive(partition: number): void {
    const lease = this.owned.get(partition);
    if (lease?.state === 'recovering') lease.state = 'active';
  }

  /**
   * One round: heartbeat, renew what is owned (dropping leases lost to another consumer), take
   * free partitions up to the share, and mark one partition above the share for release.
   * True when a partition was acquired (the reader should look at it soon).
   */
  async tick(): Promise<boolean> {
    const now = Date.now();
    try {
      const share = await this.share(now);
      await this.renew(now);
      const acquired = await this.acquire(share, now);
      this.shed(share);
      return acquired;
    } catch (error) {
      // Redis unreachable: nobody can take a lease meanwhile, but once ours has surely expired,
      // stop reading those partitions (another consumer may own them when Redis answers again).
      for (const [p, lease] of this.owned) if (now - lease.renewedAt > this.o.leaseMs) this.owned.delete(p);
      throw error;
    }
  }

  /** Give a partition back (its handlers have finished): another consumer may take it at once. */
  async release(partition: number): Promise<void> {
    this.owned.delete(partition);
    await this.o.redis.call('EVAL', RELEASE, 1, this.o.keys.lease(this.o.service, partition), this.o.consumer);
  }

  /** On close: leave the members set and hand every partition back. */
  async releaseAll(): Promise<void> {
    const partitions = [...this.owned.keys()];
    await this.o.redis.zrem(this.o.keys.members(this.o.service), this.o.consumer);
    await Promise.all(partitions.map((p) => this.release(p)));
  }

  private async share(now: number): Promise<number> {
    const members = this.o.keys.members(this.o.service);
    const results = await this.o.redis
      .multi()
      .zadd(members, now, this.o.consumer)
      .zremrangebyscore(members, '-inf', now - this.o.leaseMs)
      .pexpire(members, this.o.leaseMs * 10)
      .zcard(members)
      .exec();
    const count = Number(results?.[3]?.[1] ?? 1);
    return Math.ceil(this.o.partitions / Math.max(1, count));
  }

  private async renew(now: number): Promise<void> {
    for (const [p, lease] of [...this.owned]) {
      const key = this.o.keys.lease(this.o.service, p);
      const kept = await this.o.redis.call('EVAL', RENEW, 1, key, this.o.consumer, this.o.leaseMs);
      if (Number(kept) === 1) {
        lease.renewedAt = now;
        continue;
      }
      this.owned.delete(p);
      this.o.log.warn({ partition: p }, 'bus partition lease lost');
    }
  }

  private async acquire(share: number, now: number): Promise<boolean> {
    let acquired = false;
    for (let i = 0; i < this.o.partitions && this.owned.size < share; i += 1) {
      const p = (this.offset + i) % this.o.partitions;
      if (this.owned.has(p)) continue;
      const key = this.o.keys.lease(this.o.service, p);
      if ((await this.o.redis.set(key, this.o.consumer, 'PX', this.o.leaseMs, 'NX')) !== 'OK') continue;
      this.owned.set(p, { state: 'recovering', renewedAt: now });
      acquired = true;
    }
    if (acquired) this.o.log.debug({ owned: [...this.owned.keys()] }, 'bus partitions acquired');
    return acquired;
  }

  /** One partition per round above the share goes to `releasing` (the reader hands it over). */
  private shed(share: number): void {
    if (this.owned.size <= share || this.in('releasing').length > 0) return;
    const extra = this.in('active').at(-1);
    if (extra === undefined) return;
    this.owned.get(extra)!.state = 'releasing';
  }
}
