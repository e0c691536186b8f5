import { handleStandIns } from '@switchboard/bus';
import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';
import { startEmergencies } from './emergencies/index.ts';

/**
 * The notification service process. Emergency alerts (`emergencies/`) are wired in; the inbox,
 * topics and publish commands are another issue's, and until they land the bus answers them
 * `UNAVAILABLE` ("… is not available on this server"), never faked.
 */
export async function start(deps: ServiceDeps): Promise<RunningService> {
  const log = deps.log.child({ component: 'notification' });
  const emergencies = startEmergencies(deps);
  // Partial on purpose until the inbox's handlers exist: the registry's completeness check is bypassed.
  await handleStandIns(deps.bus, {
    notification: {
      ...emergencies.handlers,
      'session:open': async (_payload, ctx) => {
        await emergencies.alertsOnSessionOpen(ctx);
        return {};
      },
    },
  });
  log.info('ready');
  return { router: emergencies.router, close: () => emergencies.close() };
}

export const service: ServiceModule = { name: 'notification', start };
