import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';

/**
 * The notification service process: wired into the bus, Redis and Postgres with health endpoints.
 * Its features are tracked in their own issue; until then its commands are answered
 * `UNAVAILABLE` by the bus ("… is not available on this server"), never faked.
 */
export async function start({ bus, log }: ServiceDeps): Promise<RunningService> {
  await bus.handle('notification', {});
  log.info('ready (no commands implemented yet)');
  return { close: async () => {} };
}

export const service: ServiceModule = { name: 'notification', start };
