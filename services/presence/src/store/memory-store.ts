import type { Presence } from '@switchboard/protocol';
import {
  type CloseInput,
  effectiveStatus,
  type HeartbeatInput,
  type ManualStatus,
  NEVER_SEEN,
  type OpenInput,
  type PresenceChange,
  type PresenceStore,
  type ReapResult,
  type SweepResult,
  type SweptSocket,
  toPresence,
  type UserFields,
} from './presence-store.ts';
import { crossingOf, MemoryTransitionJournal } from './transition-journal.ts';

interface SocketEntry {
  userId: string;
  gatewayId: string;
  openedAt: number;
}

/**
 * The embedded mode's store: one process, so plain maps are atomic. Mirrors the Lua scripts of
 * the Redis store step by step; the shared contract test keeps the two in agreement.
 */
export class MemoryPresenceStore implements PresenceStore {
  private readonly sockets = new Map<string, SocketEntry>();
  private readonly gatewaySockets = new Map<string, Set<string>>();
  private readonly gatewayExpiry = new Map<string, number>();
  private readonly devices = new Map<string, Set<string>>();
  private readonly users = new Map<string, UserFields>();
  /** Last activity of connected users not yet automatically away. */
  private readonly active = new Map<string, number>();
  private readonly subscribers = new Map<string, Set<string>>();
  private readonly subscriptions = new Map<string, Set<string>>();
  /** Closed socket id -> tombstone expiry, in insertion order (roughly expiry order) for pruning. */
  private readonly closed = new Map<string, number>();
  readonly transitions = new MemoryTransitionJournal();

  async open({ userId, socketId, gatewayId, gatewayExpiresAt, now }: OpenInput): Promise<PresenceChange[]> {
    const tx = this.transaction();
    if (this.addSocket(tx, userId, socketId, gatewayId, now)) {
      Object.assign(this.fields(userId), { lastSeen: now, autoAway: false });
      this.active.set(userId, now);
    }
    this.extendGateway(gatewayId, gatewayExpiresAt);
    return this.finish(tx);
  }

  async close({ socketId, now, tombstoneMs }: CloseInput): Promise<PresenceChange[]> {
    const tx = this.transaction();
    this.removeSocket(tx, socketId, now);
    this.pruneTombstones(now);
    this.closed.delete(socketId);
    this.closed.set(socketId, now + Math.max(1, tombstoneMs));
    return this.finish(tx);
  }

  async heartbeat({ gatewayId, sockets, gatewayExpiresAt, graceMs, now }: HeartbeatInput): Promise<SweepResult> {
    const tx = this.transaction();
    this.gatewayExpiry.set(gatewayId, gatewayExpiresAt);
    const listed = new Map(sockets.map((s) => [s.socketId, s.userId]));
    const swept: SweptSocket[] = [];
    for (const socketId of [...(this.gatewaySockets.get(gatewayId) ?? [])]) {
      const entry = this.sockets.get(socketId);
      if (!listed.has(socketId) && entry && now - entry.openedAt > graceMs) {
        swept.push({ socketId, gatewayId });
        this.removeSocket(tx, socketId, now);
      }
    }
    for (const [socketId, userId] of listed) if (userId) this.addSocket(tx, userId, socketId, gatewayId, now);
    return { sockets: swept, changes: this.finish(tx) };
  }

  async reapGateways(now: number, limit = 100): Promise<ReapResult> {
    const tx = this.transaction();
    const expired = [...this.gatewayExpiry].filter(([, at]) => at <= now).slice(0, limit);
    const sockets: SweptSocket[] = [];
    for (const [gatewayId] of expired) {
      for (const socketId of [...(this.gatewaySockets.get(gatewayId) ?? [])]) {
        if (this.sockets.has(socketId)) sockets.push({ socketId, gatewayId });
        this.removeSocket(tx, socketId, now);
      }
      this.gatewaySockets.delete(gatewayId);
      this.gatewayExpiry.delete(gatewayId);
    }
    return { gateways: expired.length, sockets, changes: this.finish(tx) };
  }

  async setStatus(
    userId: string,
    status: ManualStatus,
    customStatus: string | undefined,
    now: number,
  ): Promise<PresenceChange[]> {
    const tx = this.transaction();
    this.touch(tx, userId);
    const fields = this.fields(userId);
    fields.manual = status;
    if (customStatus !== undefined) fields.custom = customStatus;
    fields.autoAway = false;
    if (this.deviceCount(userId) > 0) this.active.set(userId, now);
    return this.finish(tx);
  }

  async activity(userId: string, now: number): Promise<PresenceChange[]> {
    if (this.deviceCount(userId) === 0) return [];
    const tx = this.transaction();
    this.touch(tx, userId);
    this.fields(userId).autoAway = false;
    this.active.set(userId, now);
    return this.finish(tx);
  }

  async markIdle(idleSince: number, _now: number, limit = 1000): Promise<PresenceChange[]> {
    const tx = this.transaction();
    const idle = [...this.active].filter(([, at]) => at <= idleSince).slice(0, limit);
    for (const [userId] of idle) {
      this.touch(tx, userId);
      this.active.delete(userId);
      if (this.deviceCount(userId) > 0) this.fields(userId).autoAway = true;
    }
    return this.finish(tx);
  }

  async get(userIds: string[]): Promise<Presence[]> {
    return userIds.map((id) => this.current(id));
  }

  async subscribe(subscriberId: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      setOf(this.subscribers, userId).add(subscriberId);
      setOf(this.subscriptions, subscriberId).add(userId);
    }
  }

  async unsubscribe(subscriberId: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      this.subscribers.get(userId)?.delete(subscriberId);
      this.subscriptions.get(subscriberId)?.delete(userId);
    }
  }

  async subscribersOf(userId: string): Promise<string[]> {
    return [...(this.subscribers.get(userId) ?? [])];
  }

  /** False for a closed socket id (tombstone): a late open or a stale heartbeat. */
  private addSocket(
    tx: Map<string, Presence>,
    userId: string,
    socketId: string,
    gatewayId: string,
    now: number,
  ): boolean {
    if ((this.closed.get(socketId) ?? 0) > now) return false;
    const old = this.sockets.get(socketId);
    if (old && old.userId === userId && old.gatewayId === gatewayId) return true;
    if (old) this.removeSocket(tx, socketId, now);
    this.touch(tx, userId);
    if (this.deviceCount(userId) === 0) {
      Object.assign(this.fields(userId), { lastSeen: now, autoAway: false });
      this.active.set(userId, now);
    }
    this.sockets.set(socketId, { userId, gatewayId, openedAt: now });
    setOf(this.gatewaySockets, gatewayId).add(socketId);
    setOf(this.devices, userId).add(socketId);
    return true;
  }

  /** Drops expired tombstones from the oldest on (what Redis does with the key TTL). */
  private pruneTombstones(now: number): void {
    for (const [socketId, until] of this.closed) {
      if (until > now) return;
      this.closed.delete(socketId);
    }
  }

  private removeSocket(tx: Map<string, Presence>, socketId: string, now: number): void {
    const entry = this.sockets.get(socketId);
    if (!entry) return;
    const { userId, gatewayId } = entry;
    this.touch(tx, userId);
    this.sockets.delete(socketId);
    this.gatewaySockets.get(gatewayId)?.delete(socketId);
    this.devices.get(userId)?.delete(socketId);
    if (this.deviceCount(userId) > 0) return;
    this.devices.delete(userId);
    Object.assign(this.fields(userId), { lastSeen: now, autoAway: false });
    this.active.delete(userId);
    // A user's subscriptions belong to their sessions: gone with the last one.
    for (const target of this.subscriptions.get(userId) ?? []) this.subscribers.get(target)?.delete(userId);
    this.subscriptions.delete(userId);
  }

  private extendGateway(gatewayId: string, expiresAt: number): void {
    const current = this.gatewayExpiry.get(gatewayId) ?? 0;
    if (expiresAt > current) this.gatewayExpiry.set(gatewayId, expiresAt);
  }

  private deviceCount(userId: string): number {
    return this.devices.get(userId)?.size ?? 0;
  }

  private fields(userId: string): UserFields {
    let fields = this.users.get(userId);
    if (!fields) this.users.set(userId, (fields = { manual: '', custom: '', autoAway: false, lastSeen: NEVER_SEEN }));
    return fields;
  }

  private current(userId: string): Presence {
    const fields = this.users.get(userId) ?? { manual: '', custom: '', autoAway: false, lastSeen: NEVER_SEEN };
    return toPresence(userId, effectiveStatus(this.deviceCount(userId), fields), fields.custom, fields.lastSeen);
  }

  /** Before-images of the users a mutation touches, to report only visible changes. */
  private transaction(): Map<string, Presence> {
    return new Map();
  }

  private touch(tx: Map<string, Presence>, userId: string): void {
    if (!tx.has(userId)) tx.set(userId, this.current(userId));
  }

  private finish(tx: Map<string, Presence>): PresenceChange[] {
    const changed: PresenceChange[] = [];
    for (const [userId, before] of tx) {
      const after = this.current(userId);
      if (after.status !== before.status || after.customStatus !== before.customStatus) {
        const change = { ...after, previousStatus: before.status };
        changed.push(change);
        const crossing = crossingOf(change, Date.now());
        if (crossing) this.transitions.record(crossing);
      }
    }
    return changed;
  }
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
