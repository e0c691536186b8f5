import type { Metrics } from '@switchboard/runtime';
import client from 'prom-client';
import type { TransitionJournal } from './store/presence-store.ts';

/**
 * The service's own series: the presence webhooks journaled and not yet in the outbox (read at
 * scrape time; the Redis journal is the cluster's, so every replica reports the same figure), and
 * those this process relayed. A journal that only grows means the relay cannot reach Postgres.
 */
export function presenceMetrics(metrics: Metrics, journal: TransitionJournal) {
  const registers = [metrics.registry];
  new client.Gauge({
    name: 'switchboard_presence_webhook_journal',
    help: 'user.online/user.offline events journaled in Redis, not yet in the webhook outbox (whole cluster)',
    registers,
    async collect() {
      this.set(await journal.length());
    },
  });
  return {
    relayed: new client.Counter({
      name: 'switchboard_presence_webhooks_relayed_total',
      help: 'user.online/user.offline events this process moved from the journal into the webhook outbox',
      registers,
    }),
  };
}
