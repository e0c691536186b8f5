import { handleStandIns } from '@switchboard/bus';
import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';
import type { NotificationDeps } from './deps.ts';
import { notificationHandlers } from './notification-handlers.ts';
import { backendRoutes } from './routes/backend-routes.ts';
import { startWebhookDelivery } from './webhooks/webhook-delivery.ts';

/**
 * The notification service: per-user notifications and topics, the backends' publish API, and
 * delivery of the webhook outbox. Emergencies (`emergency:*`) are answered by `src/emergencies/`
 * once wired here; until then the bus answers them `UNAVAILABLE`.
 */
export async function start(deps: ServiceDeps): Promise<RunningService> {
  const log = deps.log.child({ component: 'notification' });
  const notification: NotificationDeps = { db: deps.db, broadcaster: deps.broadcaster, log };
  const webhooks = startWebhookDelivery({ config: deps.config, db: deps.db, log, metrics: deps.metrics });

  // Partial on purpose while `emergency:*` has no handlers: `handleStandIns` answers those
  // UNAVAILABLE. With emergencies wired, this becomes `bus.handle` over the complete map.
  await handleStandIns(deps.bus, { notification: notificationHandlers(notification) });
  log.info({ webhooks: webhooks !== undefined }, 'ready');
  return {
    router: backendRoutes(notification, deps.config.API_KEY),
    async close() {
      await webhooks?.close();
    },
  };
}

export const service: ServiceModule = { name: 'notification', start };
