import { handleStandIns } from '@switchboard/bus';
import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';

/**
 * The notification service process: wired into the bus, Redis and Postgres with health endpoints.
 * Its features are tracked in their own issue; until then its commands are answered
 * `UNAVAILABLE` by the bus ("… is not available on this server"), never faked.
 */
export async function start({ bus, log }: ServiceDeps): Promise<RunningService> {
  // No command is handled yet, so the registry's completeness check is bypassed on purpose.
  await handleStandIns(bus, { notification: {} });
  log.info('ready (no commands implemented yet)');
  return { close: async () => {} };
}

export const service: ServiceModule = { name: 'notification', start };
