import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';
import express from 'express';
import type { NotificationDeps } from './deps.ts';
import { startEmergencies } from './emergencies/index.ts';
import { notificationHandlers } from './notification-handlers.ts';
import { backendRoutes } from './routes/backend-routes.ts';
import { startWebhookDelivery } from './webhooks/webhook-delivery.ts';

/**
 * The notification service: per-user notifications and topics, the backends' publish API, the
 * webhook outbox's delivery, and emergency alerts (`emergencies/`): one complete handler map.
 * (Composed when web2 merged the notify and alerts branches: both had rewritten this file.)
 */
export async function start(deps: ServiceDeps): Promise<RunningService> {
  const log = deps.log.child({ component: 'notification' });
  const notification: NotificationDeps = { db: deps.db, broadcaster: deps.broadcaster, log };
  const webhooks = startWebhookDelivery({ config: deps.config, db: deps.db, log, metrics: deps.metrics });
  const emergencies = startEmergencies(deps);
  await deps.bus.handle('notification', {
    ...notificationHandlers(notification, [async (_p, ctx) => void (await emergencies.alertsOnSessionOpen(ctx))]),
    ...emergencies.handlers,
  });
  const router = express.Router();
  router.use(backendRoutes(notification, deps.config.API_KEY));
  router.use(emergencies.router);
  log.info('ready');
  return {
    router,
    async close() {
      await emergencies.close();
      await webhooks?.close();
    },
  };
}

export const service: ServiceModule = { name: 'notification', start };
