import type { Presence, PresenceStatus } from '@switchboard/protocol';
import type { SwitchboardClient } from './client.ts';

export type PresenceHandler = (presence: Presence) => void;

/** `presence:subscribe` takes at most this many ids per request. */
const BATCH = 500;

/**
 * Watches the presence of a set of users across reconnects: subscribes to them, keeps their
 * latest `presence:changed`, and re-subscribes (refreshing every status) after each reconnect,
 * since changes made while disconnected are never replayed.
 */
export class PresenceTracker {
  private readonly watched = new Set<string>();
  private readonly presences = new Map<string, Presence>();
  private readonly handlers = new Set<PresenceHandler>();
  private readonly off: Array<() => void>;

  constructor(private readonly client: SwitchboardClient) {
    this.off = [
      client.on('presence:changed', (presence) => this.update(presence)),
      client.on('connected', () => void this.refresh([...this.watched]).catch(() => undefined)),
    ];
  }

  /** Start watching users (already watched ones are ignored); resolves with their current presence. */
  async watch(userIds: string[]): Promise<Presence[]> {
    const fresh = [...new Set(userIds)].filter((id) => !this.watched.has(id));
    for (const id of fresh) this.watched.add(id);
    await this.refresh(fresh);
    return userIds.map((id) => this.presences.get(id)).filter((p): p is Presence => p !== undefined);
  }

  async unwatch(userIds: string[]): Promise<void> {
    const gone = userIds.filter((id) => this.watched.delete(id));
    for (let i = 0; i < gone.length; i += BATCH)
      await this.client.request('presence:unsubscribe', { userIds: gone.slice(i, i + BATCH) });
  }

  /** Set this user's own status on every device (`offline` is derived, not set). */
  async setStatus(status: Exclude<PresenceStatus, 'offline'>, customStatus?: string): Promise<void> {
    await this.client.request('presence:setStatus', customStatus === undefined ? { status } : { status, customStatus });
  }

  get(userId: string): Presence | undefined {
    return this.presences.get(userId);
  }

  all(): Presence[] {
    return [...this.presences.values()];
  }

  onChange(handler: PresenceHandler): () => void {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }

  close(): void {
    for (const off of this.off) off();
    this.handlers.clear();
  }

  private async refresh(userIds: string[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += BATCH) {
      const { presences } = await this.client.request('presence:subscribe', { userIds: userIds.slice(i, i + BATCH) });
      for (const presence of presences) this.update(presence);
    }
  }

  private update(presence: Presence): void {
    this.presences.set(presence.userId, presence);
    for (const handler of this.handlers) handler(presence);
  }
}
