import type { Db } from '@switchboard/db';
import type { BaseEnv, Logger, Metrics } from '@switchboard/runtime';
import client from 'prom-client';
import { WebhookDeliveryWorker } from './delivery-worker.ts';
import { secretKey } from './signature.ts';

export interface WebhookDeliveryDeps {
  config: Pick<BaseEnv, 'WEBHOOK_URL' | 'WEBHOOK_SECRET' | 'WEBHOOK_RETRY_DELAYS_MS' | 'WEBHOOK_TIMEOUT_MS'>;
  db: Db;
  log: Logger;
  metrics: Metrics;
  pollMs?: number;
}

/**
 * The outbox's delivery worker when `WEBHOOK_URL` is set (undefined otherwise), counting each
 * attempt's outcome in `switchboard_webhook_deliveries_total{outcome}` on the process's registry.
 */
export function startWebhookDelivery(deps: WebhookDeliveryDeps): WebhookDeliveryWorker | undefined {
  const { WEBHOOK_URL: url, WEBHOOK_SECRET: secret } = deps.config;
  if (!url) return undefined;
  if (!secret) throw new Error('WEBHOOK_SECRET is required with WEBHOOK_URL');
  const deliveries = new client.Counter({
    name: 'switchboard_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, retry (will be tried again), failed (attempts exhausted)',
    labelNames: ['outcome'],
    registers: [deps.metrics.registry],
  });
  const worker = new WebhookDeliveryWorker({
    db: deps.db,
    log: deps.log.child({ component: 'webhooks' }),
    url,
    key: secretKey(secret),
    retryDelaysMs: deps.config.WEBHOOK_RETRY_DELAYS_MS.split(',').map(Number),
    timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
    ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    onOutcome: (outcome) => deliveries.inc({ outcome }),
  });
  worker.start();
  return worker;
}
