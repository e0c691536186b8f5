import type { RunningService, ServiceDeps, ServiceModule } from '@switchboard/host';
import { TimerWorker } from '@switchboard/timers';
import { createWebhookOutbox } from '@switchboard/webhooks';
import { Router } from 'express';
import { createMayCall } from './access/may-call.ts';
import { createAnnouncer } from './effects/announce.ts';
import { createOutcomeApplier } from './effects/outcomes.ts';
import { createPresenceLink } from './effects/presence-link.ts';
import type { CallDeps } from './handlers/deps.ts';
import { lifecycleHandlers } from './handlers/lifecycle.ts';
import { sessionHandlers } from './handlers/session.ts';
import { signalHandlers } from './handlers/signal.ts';
import { statsHandlers } from './handlers/stats.ts';
import { callTiming } from './machine/timing.ts';
import { callMetrics } from './metrics.ts';
import { qualityHandlers } from './quality/quality-handler.ts';
import { qualityThresholds } from './quality/thresholds.ts';
import { callLogRoutes } from './routes/call-log-routes.ts';
import { callTimerHandlers } from './timers/call-timers.ts';

/**
 * The call-signaling service: the 1:1 call state machine in Postgres (any number of replicas),
 * signal relay between a call's two sockets, durable ring / reconnect timers, quality monitors,
 * the call log. Wires its parts; each lives in its own folder.
 */
export async function start({
  config,
  log,
  bus,
  db,
  broadcaster,
  verifier,
  metrics,
}: ServiceDeps): Promise<RunningService> {
  const outbox = createWebhookOutbox(config);
  const counters = callMetrics(metrics, db);
  const workers: TimerWorker[] = [];
  const wakeTimers = () => {
    for (const worker of workers) worker.wake();
  };
  const apply = createOutcomeApplier({
    announce: createAnnouncer(broadcaster, log.child({ component: 'calls' })),
    presence: createPresenceLink(bus, db, log.child({ component: 'presence-link' })),
    wakeTimers,
    onEnded: (reason) => counters.ended.inc({ reason }),
  });
  const deps: CallDeps = {
    db,
    broadcaster,
    log,
    outbox,
    mayCall: createMayCall(bus, log.child({ component: 'access' })),
    apply,
    timing: callTiming(config),
    quality: qualityThresholds(config),
    wakeTimers,
  };

  await bus.handle('call-signaling', {
    ...lifecycleHandlers(deps),
    ...signalHandlers(deps),
    ...qualityHandlers(deps),
    ...sessionHandlers(deps),
    ...statsHandlers(deps),
  });
  // Two workers: a slow notification service must never hold up a ring timeout.
  const handlers = callTimerHandlers({ bus, log, outbox, apply });
  for (const kinds of [handlers.calls, handlers.notifications]) {
    const worker = new TimerWorker({
      db,
      log: log.child({ component: 'timers' }),
      handlers: kinds,
      onFired: (kind, lateness) => counters.timerLateness.observe({ kind }, lateness),
    });
    workers.push(worker);
    worker.start();
  }

  const router = Router();
  router.use(callLogRoutes(db, verifier));
  log.info(
    { ringTimeoutMs: deps.timing.ringTimeoutMs, reconnectGraceMs: deps.timing.reconnectGraceMs },
    'call-signaling ready',
  );
  return {
    router,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

export const service: ServiceModule = { name: 'call-signaling', start };
