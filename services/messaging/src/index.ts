import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';
import { createWebhookOutbox } from '@switchboard/webhooks';
import { GroupCommitter } from './commit/group-committer.ts';
import type { MessagingDeps } from './handlers/deps.ts';
import { messagingHandlers } from './handlers/index.ts';
import { RoomArchiver } from './housekeeping/archiver.ts';
import { messageRoutes } from './routes/messages.ts';

/**
 * Messaging: rooms, memberships, join approval, messages with a gapless per-room seq (group
 * commit), receipts, sync and archiving. Commands arrive over the bus; clients are reached
 * through the broadcaster.
 */
export async function start(deps: ServiceDeps): Promise<RunningService> {
  const log = deps.log.child({ component: 'messaging' });
  const committer = new GroupCommitter({
    db: deps.db,
    log,
    metrics: deps.metrics,
    maxInFlight: deps.config.MESSAGE_COMMITS_IN_FLIGHT,
  });
  const messaging: MessagingDeps = {
    db: deps.db,
    bus: deps.bus,
    broadcaster: deps.broadcaster,
    log,
    committer,
    outbox: createWebhookOutbox(deps.config),
    hops: deps.metrics.hops,
  };
  const archiver = new RoomArchiver(messaging, { archiveAfterMs: deps.config.ROOM_ARCHIVE_AFTER_MS });

  await deps.bus.handle('messaging', messagingHandlers(messaging));
  archiver.start();
  log.info('ready');
  return {
    router: messageRoutes(messaging, deps.verifier),
    async close() {
      await archiver.stop();
      await committer.close();
    },
  };
}

export const service: ServiceModule = { name: 'messaging', start };
