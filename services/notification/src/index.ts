import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';
import { Router } from 'express';
import type { NotificationDeps } from './deps.ts';
import { startEmergencies } from './emergencies/index.ts';
import { notificationHandlers } from './notification-handlers.ts';
import { backendRoutes } from './routes/backend-routes.ts';
import type { SessionHook } from './session/session-handlers.ts';
import { startWebhookDelivery } from './webhooks/webhook-delivery.ts';

/**
 * The notification service: per-user notifications and topics, the backends' publish API,
 * emergency alerts (`emergencies/`) and delivery of the webhook outbox every service writes.
 */
export async function start(deps: ServiceDeps): Promise<RunningService> {
  const log = deps.log.child({ component: 'notification' });
  const notification: NotificationDeps = { db: deps.db, broadcaster: deps.broadcaster, log };
  const webhooks = startWebhookDelivery({ config: deps.config, db: deps.db, log, metrics: deps.metrics });
  const emergencies = startEmergencies(deps);
  // A contact who connects while an alert is open hears about it on that socket.
  const openAlerts: SessionHook = {
    each: async (_payload, ctx) => {
      await emergencies.alertsOnSessionOpen(ctx);
    },
    concerns: (principals) => emergencies.audienceOfOpenAlerts(principals),
  };

  await deps.bus.handle('notification', {
    ...notificationHandlers(notification, [openAlerts]),
    ...emergencies.handlers,
  });
  log.info({ webhooks: webhooks !== undefined }, 'ready');
  const router = Router();
  router.use(backendRoutes(notification, deps.config.API_KEY), emergencies.router);
  return {
    router,
    async close() {
      await emergencies.close();
      await webhooks?.close();
    },
  };
}

export const service: ServiceModule = { name: 'notification', start };
