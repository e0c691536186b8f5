import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';
import { createWebhookOutbox } from '@switchboard/webhooks';
import { Router } from 'express';
import { createPresencePublisher, type PublishPresence } from './fanout/presence-publisher.ts';
import { createRoomsOfUser, createRoomsOfUsers } from './fanout/rooms-of-user.ts';
import { createSharingRoom } from './fanout/visibility.ts';
import { createAlertRaiser } from './geofences/alert-raiser.ts';
import { createGeofenceEvaluator } from './geofences/evaluator.ts';
import { locationHandlers } from './handlers/location-handlers.ts';
import { presenceHandlers } from './handlers/presence-handlers.ts';
import { sessionHandlers } from './handlers/session-handlers.ts';
import { createHistoryWriter } from './location/history-writer.ts';
import { createLocationService } from './location/location-service.ts';
import { startRetention } from './location/retention.ts';
import { createMemoryUploadLimiter, createRedisUploadLimiter } from './location/upload-limiter.ts';
import { presenceMetrics } from './metrics.ts';
import { geofenceRoutes } from './routes/geofence-routes.ts';
import { locationRoutes } from './routes/location-routes.ts';
import { MemoryPresenceStore } from './store/memory-store.ts';
import type { PresenceStore } from './store/presence-store.ts';
import { RedisPresenceStore } from './store/redis-store.ts';
import { startSweeper } from './sweeper/sweeper.ts';
import { createSweptSocketsNotifier } from './sweeper/swept-sockets.ts';
import { presenceTiming } from './sweeper/timing.ts';
import { startTransitionRelay } from './webhooks/transition-relay.ts';

/**
 * The presence service: who is online on which devices (Redis, or memory when embedded), live
 * location with history and geofences. Wires its parts; each lives in its own folder.
 */
export async function start(deps: ServiceDeps): Promise<RunningService> {
  const { config, log, bus, db, broadcaster, verifier, redis, metrics } = deps;
  const store: PresenceStore = redis ? new RedisPresenceStore(redis, config.REDIS_PREFIX) : new MemoryPresenceStore();
  const bucket = { intervalMs: config.LOCATION_RATE_INTERVAL_MS, burst: config.LOCATION_RATE_BURST };
  const limiter = redis
    ? createRedisUploadLimiter(redis, config.REDIS_PREFIX, bucket)
    : createMemoryUploadLimiter(bucket);
  const timing = presenceTiming(config);

  const roomsOf = createRoomsOfUser(bus, log);
  const sharingRoom = createSharingRoom(bus, log);
  const outbox = createWebhookOutbox(config);
  // user.online/user.offline: journaled by the store's scripts, moved into the outbox here.
  const counters = presenceMetrics(metrics, store.transitions);
  const relay = startTransitionRelay({
    journal: store.transitions,
    outbox,
    db,
    log: log.child({ component: 'webhooks' }),
    intervalMs: config.PRESENCE_WEBHOOK_RELAY_MS,
    onRelayed: (events) => counters.relayed.inc(events),
  });
  const publish: PublishPresence = createPresencePublisher({
    store,
    broadcaster,
    roomsOfUsers: createRoomsOfUsers(bus, log),
    sharingRoom,
    log,
  });
  const history = createHistoryWriter(db, log);
  const raiseAlert = createAlertRaiser(bus, log);
  const evaluateGeofences = createGeofenceEvaluator({ db, broadcaster, log, raiseAlert, outbox });
  const update = createLocationService({ limiter, roomsOf, broadcaster, history, evaluateGeofences, log });

  const onSwept = createSweptSocketsNotifier(bus, log);
  await bus.handle('presence', {
    ...sessionHandlers({ store, publish, timing, log, onSwept }),
    ...presenceHandlers({ store, publish, sharingRoom }),
    ...locationHandlers(update),
  });
  const stopSweeper = startSweeper({ store, publish, timing, log, onSwept });
  const stopRetention = startRetention(db, log, config.LOCATION_RETENTION_DAYS);

  const router = Router();
  router.use(locationRoutes({ verifier, update, history, roomsOf, db }));
  router.use(geofenceRoutes({ verifier, roomsOf, db }));
  log.info({ store: redis ? 'redis' : 'memory', offlineAfterMs: timing.offlineAfterMs }, 'presence ready');

  return {
    router,
    async close() {
      await stopSweeper();
      // After the last mutations: what they journaled goes to the outbox now, not at the next start.
      await relay.stop();
      await stopRetention();
      await history.close();
    },
  };
}

export const service: ServiceModule = { name: 'presence', start };
