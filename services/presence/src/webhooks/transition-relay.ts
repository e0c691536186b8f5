import type { Db } from '@switchboard/db';
import { errorMessage, type Logger } from '@switchboard/runtime';
import type { WebhookOutbox } from '@switchboard/webhooks';
import type { TransitionJournal } from '../store/presence-store.ts';

/** Entries moved per step: one LRANGE, one insert, one pipeline of removals. */
export const RELAY_BATCH = 500;

export interface TransitionRelayDeps {
  journal: TransitionJournal;
  outbox: WebhookOutbox;
  db: Db;
  log: Logger;
  /** How often the journal is drained (PRESENCE_WEBHOOK_RELAY_MS); also once at start. */
  intervalMs: number;
  /** Told how many events each step put in the outbox. */
  onRelayed?: (events: number) => void;
}

export interface TransitionRelay {
  /** Moves everything the journal holds now (tests; the loop calls it). */
  drain(): Promise<void>;
  /** Stops the loop after one last drain. */
  stop(): Promise<void>;
}

/**
 * `user.online` / `user.offline` webhooks, at least once. Presence state lives in Redis, so it
 * cannot share a transaction with the outbox in Postgres: instead the store script that decides
 * a crossing journals it in the same atomic step (store/redis-lua.ts), and this loop, in every
 * presence process, copies the journal into the outbox — rows keyed by the journal's ids, a
 * duplicate skipped — and only then removes what it copied. A presence process killed anywhere
 * in between leaves the entry in the journal for the next drain, here or in another replica;
 * Postgres down leaves it there too (logged), until Postgres is back. With webhooks off the
 * journal is emptied without reading it.
 */
export function startTransitionRelay({
  journal,
  outbox,
  db,
  log,
  intervalMs,
  onRelayed,
}: TransitionRelayDeps): TransitionRelay {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let warned = false;

  async function step(): Promise<boolean> {
    if (!outbox.enabled) return (await journal.drop(RELAY_BATCH)) === RELAY_BATCH;
    const entries = await journal.read(RELAY_BATCH);
    if (entries.length === 0) return false;
    const events = entries.flatMap(({ transition: t }) =>
      t
        ? [
            {
              id: t.id,
              type: t.type,
              at: new Date(t.at),
              data: { userId: t.userId, status: t.status, lastSeen: new Date(t.lastSeen).toISOString() },
            },
          ]
        : [],
    );
    const unparsable = entries.length - events.length;
    if (unparsable > 0) log.error({ entries: unparsable }, 'presence webhook journal entries unreadable: dropped');
    await outbox.record(db, events);
    await journal.remove(entries.map((e) => e.ref));
    if (events.length > 0) onRelayed?.(events.length);
    return entries.length === RELAY_BATCH;
  }

  const drain = (): Promise<void> => {
    running = running.then(async () => {
      try {
        while (await step()) {}
        if (warned) log.info('presence webhook journal relayed again');
        warned = false;
      } catch (error) {
        // Kept in the journal: the next drain tries again. Logged once per outage, not per tick.
        if (!warned) log.error({ err: errorMessage(error) }, 'presence webhooks not relayed yet: kept in the journal');
        warned = true;
      }
    });
    return running;
  };

  const timer = setInterval(() => {
    if (!stopped) void drain();
  }, intervalMs);
  timer.unref();
  void drain();

  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await drain();
    },
  };
}
