import type { Presence, PresenceStatus } from '@switchboard/protocol';
import { type Redis, type RedisScript, redisScript } from '@switchboard/runtime';
import {
  type CloseInput,
  type HeartbeatInput,
  type ManualStatus,
  type OpenInput,
  type PresenceChange,
  type PresenceStore,
  type ReapResult,
  type SweepResult,
  type SweptSocket,
  toPresence,
} from './presence-store.ts';
import * as lua from './redis-lua.ts';
import { RedisTransitionJournal } from './transition-journal.ts';

/**
 * The store's scripts by SHA (runtime's `redisScript`: no NOSCRIPT after a restart, order kept);
 * they take no KEYS, building their keys from the prefix argument.
 */
class Script {
  private readonly script: RedisScript;
  constructor(source: string) {
    this.script = redisScript(source);
  }

  run(redis: Redis, args: (string | number)[]): Promise<unknown> {
    return this.script.run(redis, [], args);
  }
}

const scripts = {
  open: new Script(lua.OPEN),
  close: new Script(lua.CLOSE),
  heartbeat: new Script(lua.HEARTBEAT),
  reap: new Script(lua.REAP),
  setStatus: new Script(lua.SET_STATUS),
  activity: new Script(lua.ACTIVITY),
  markIdle: new Script(lua.MARK_IDLE),
  get: new Script(lua.GET),
};

function strings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map(String) : [];
}

/** GET answers a flat [userId, status, custom, lastSeenMs, …] list. */
function presences(reply: unknown): Presence[] {
  const flat = strings(reply);
  const out: Presence[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    out.push(toPresence(flat[i]!, flat[i + 1] as PresenceStatus, flat[i + 2]!, Number(flat[i + 3])));
  }
  return out;
}

/** Mutations answer the same with the previous status after each: [… lastSeenMs, previous, …]. */
function changes(flat: string[]): PresenceChange[] {
  const out: PresenceChange[] = [];
  for (let i = 0; i + 4 < flat.length; i += 5) {
    const presence = toPresence(flat[i]!, flat[i + 1] as PresenceStatus, flat[i + 2]!, Number(flat[i + 3]));
    out.push({ ...presence, previousStatus: flat[i + 4] as PresenceStatus });
  }
  return out;
}

/** [count, socketId, gatewayId pairs…, changes…] (the scripts' finishSwept). */
function sweepResult([count = '0', ...rest]: string[]): SweepResult {
  const pairs = rest.slice(0, Number(count) * 2);
  const sockets: SweptSocket[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) sockets.push({ socketId: pairs[i]!, gatewayId: pairs[i + 1]! });
  return { sockets, changes: changes(rest.slice(pairs.length)) };
}

/** Presence in Redis, shared by every presence process of a cluster. */
export class RedisPresenceStore implements PresenceStore {
  private readonly key: string;
  readonly transitions: RedisTransitionJournal;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}presence:`;
    this.transitions = new RedisTransitionJournal(redis, `${this.key}wh`);
  }

  async open({ userId, socketId, gatewayId, gatewayExpiresAt, now }: OpenInput): Promise<PresenceChange[]> {
    return changes(
      strings(await scripts.open.run(this.redis, [this.key, userId, socketId, gatewayId, now, gatewayExpiresAt])),
    );
  }

  async close({ socketId, now, tombstoneMs }: CloseInput): Promise<PresenceChange[]> {
    return changes(
      strings(await scripts.close.run(this.redis, [this.key, socketId, now, Math.max(1, Math.ceil(tombstoneMs))])),
    );
  }

  async heartbeat({ gatewayId, sockets, gatewayExpiresAt, graceMs, now }: HeartbeatInput): Promise<SweepResult> {
    const pairs = sockets.flatMap((s) => [s.socketId, s.userId]);
    return sweepResult(
      strings(await scripts.heartbeat.run(this.redis, [this.key, gatewayId, now, gatewayExpiresAt, graceMs, ...pairs])),
    );
  }

  async reapGateways(now: number, limit = 100): Promise<ReapResult> {
    const [gateways = '0', ...rest] = strings(await scripts.reap.run(this.redis, [this.key, now, limit]));
    return { gateways: Number(gateways), ...sweepResult(rest) };
  }

  async setStatus(
    userId: string,
    status: ManualStatus,
    customStatus: string | undefined,
    now: number,
  ): Promise<PresenceChange[]> {
    const args = [this.key, userId, status, now, customStatus === undefined ? '0' : '1', customStatus ?? ''];
    return changes(strings(await scripts.setStatus.run(this.redis, args)));
  }

  async activity(userId: string, now: number): Promise<PresenceChange[]> {
    return changes(strings(await scripts.activity.run(this.redis, [this.key, userId, now])));
  }

  async markIdle(idleSince: number, _now: number, limit = 1000): Promise<PresenceChange[]> {
    return changes(strings(await scripts.markIdle.run(this.redis, [this.key, idleSince, limit])));
  }

  async get(userIds: string[]): Promise<Presence[]> {
    if (userIds.length === 0) return [];
    return presences(await scripts.get.run(this.redis, [this.key, ...userIds]));
  }

  async subscribe(subscriberId: string, userIds: string[]): Promise<void> {
    const multi = this.redis.multi();
    for (const userId of userIds) multi.sadd(`${this.key}sub:${userId}`, subscriberId);
    multi.sadd(`${this.key}subof:${subscriberId}`, ...userIds);
    await multi.exec();
  }

  async unsubscribe(subscriberId: string, userIds: string[]): Promise<void> {
    const multi = this.redis.multi();
    for (const userId of userIds) multi.srem(`${this.key}sub:${userId}`, subscriberId);
    multi.srem(`${this.key}subof:${subscriberId}`, ...userIds);
    await multi.exec();
  }

  async subscribersOf(userId: string): Promise<string[]> {
    return this.redis.smembers(`${this.key}sub:${userId}`);
  }
}
