import { randomUUID } from 'node:crypto';
import { PRESENCE_STATUSES } from '@switchboard/protocol';
import type { Redis } from '@switchboard/runtime';
import { z } from 'zod';
import type { JournalEntry, PresenceChange, RecordedTransition, TransitionJournal } from './presence-store.ts';

/** A journal entry as the Lua scripts write it (redis-lua.ts, `journal`): read back at a boundary. */
const RecordedTransitionSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(['user.online', 'user.offline']),
  at: z.number().int().nonnegative(),
  userId: z.string().min(1),
  status: z.enum(PRESENCE_STATUSES),
  lastSeen: z.number().int().nonnegative(),
});

export function parseTransition(raw: string): RecordedTransition | undefined {
  try {
    const parsed = RecordedTransitionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The crossing a change is, if it is one (offline -> connected or back), as the stores record it. */
export function crossingOf(change: PresenceChange, at: number): Omit<RecordedTransition, 'id'> | undefined {
  const wasOffline = change.previousStatus === 'offline';
  if (wasOffline === (change.status === 'offline')) return undefined;
  return {
    type: wasOffline ? 'user.online' : 'user.offline',
    at,
    userId: change.userId,
    status: change.status,
    lastSeen: Date.parse(change.lastSeen),
  };
}

/** The Redis store's journal: the list `<prefix>presence:wh` its scripts append to. */
export class RedisTransitionJournal implements TransitionJournal {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async read(limit: number): Promise<JournalEntry[]> {
    const raws = await this.redis.lrange(this.key, 0, limit - 1);
    return raws.map((ref) => ({ ref, transition: parseTransition(ref) }));
  }

  /**
   * By value, not by position: presence replicas relaying the same head at once each remove what
   * they read, and the second removal of an entry finds nothing (ids make every entry unique).
   */
  async remove(refs: string[]): Promise<void> {
    if (refs.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const ref of refs) pipeline.lrem(this.key, 1, ref);
    await pipeline.exec();
  }

  async drop(limit: number): Promise<number> {
    const dropped = await this.redis.lpop(this.key, limit);
    return dropped?.length ?? 0;
  }

  length(): Promise<number> {
    return this.redis.llen(this.key);
  }
}

/** The memory store's journal (embedded mode: one process, which also holds the presence state). */
export class MemoryTransitionJournal implements TransitionJournal {
  private entries: RecordedTransition[] = [];
  /** Ids like the Lua scripts': time, then a counter (in order), then this process's nonce (unique across restarts). */
  private readonly nonce = randomUUID().slice(0, 8);
  private sequence = 0;

  record(transition: Omit<RecordedTransition, 'id'>): void {
    const time = transition.at.toString(16).padStart(11, '0');
    const count = (this.sequence++ % 0x1_0000_0000).toString(16).padStart(8, '0');
    this.entries.push({ id: `msg_m${time}${count}${this.nonce}`, ...transition });
  }

  async read(limit: number): Promise<JournalEntry[]> {
    return this.entries.slice(0, limit).map((transition) => ({ ref: transition.id, transition }));
  }

  async remove(refs: string[]): Promise<void> {
    const gone = new Set(refs);
    this.entries = this.entries.filter((t) => !gone.has(t.id));
  }

  async drop(limit: number): Promise<number> {
    const dropped = this.entries.splice(0, limit);
    return dropped.length;
  }

  async length(): Promise<number> {
    return this.entries.length;
  }
}
