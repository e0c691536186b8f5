import type { Db } from '@switchboard/db';
import type { Metrics } from '@switchboard/runtime';
import client from 'prom-client';
import { countLiveCalls } from './store/call-store.ts';

/**
 * The service's own series on the process registry: live calls by state (counted in Postgres at
 * scrape time, so every replica reports the cluster's figure), endings by reason, timer lateness.
 */
export function callMetrics(metrics: Metrics, db: Db) {
  const registers = [metrics.registry];
  new client.Gauge({
    name: 'switchboard_calls_active',
    help: 'Calls ringing or accepted right now (whole cluster, from Postgres)',
    labelNames: ['state'],
    registers,
    async collect() {
      const { ringing, accepted } = await countLiveCalls(db);
      this.set({ state: 'ringing' }, ringing);
      this.set({ state: 'accepted' }, accepted);
    },
  });
  return {
    ended: new client.Counter({
      name: 'switchboard_calls_ended_total',
      help: 'Calls ended by this process, by reason',
      labelNames: ['reason'],
      registers,
    }),
    timerLateness: new client.Histogram({
      name: 'switchboard_call_timer_lateness_seconds',
      help: 'How late call timers (ring timeout, reconnect grace) fired',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
  };
}
