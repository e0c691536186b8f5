import type { ServiceDeps } from '@switchboard/host';
import type { Principal, RequestContext } from '@switchboard/protocol';
import { TimerWorker } from '@switchboard/timers';
import { createWebhookOutbox } from '@switchboard/webhooks';
import type { Router } from 'express';
import { audienceOfOpenAlerts } from './alert-store.ts';
import { type EmergencyDeps, ESCALATION_TIMER } from './deps.ts';
import { escalationStep } from './escalation.ts';
import { type EmergencyHandlers, emergencyHandlers } from './handlers.ts';
import { parseEscalationPolicy } from './policy.ts';
import { alertRoutes } from './routes.ts';
import { alertsOnSessionOpen } from './session-open.ts';

export interface Emergencies {
  /** Spread into the notification service's bus handlers. */
  handlers: EmergencyHandlers;
  /** Mounted at `/api` with the service's other routes. */
  router: Router;
  /** Call from the service's `session:open` handler: open alerts this socket must hear about. */
  alertsOnSessionOpen(ctx: RequestContext): Promise<number>;
  /** Of a batch of connecting users, those some open alert has in its audience (one query). */
  audienceOfOpenAlerts(principals: Principal[]): Promise<Set<string>>;
  close(): Promise<void>;
}

export interface EmergencyOptions {
  /** How often due escalation steps are polled for (the bound on lateness). */
  pollMs?: number;
}

/**
 * Emergency alerts inside the notification service: SOS, escalation on durable timers,
 * acknowledge, resolve, audit. The service's composition root wires the three parts in.
 */
export function startEmergencies(deps: ServiceDeps, options: EmergencyOptions = {}): Emergencies {
  const log = deps.log.child({ component: 'emergencies' });
  const holder: { worker?: TimerWorker } = {};
  const emergency: EmergencyDeps = {
    db: deps.db,
    bus: deps.bus,
    broadcaster: deps.broadcaster,
    log,
    outbox: createWebhookOutbox(deps.config),
    policy: parseEscalationPolicy(deps.config.EMERGENCY_ESCALATION),
    wakeWorker: () => holder.worker?.wake(),
    now: () => new Date(),
  };
  const worker = new TimerWorker({
    db: deps.db,
    log,
    handlers: { [ESCALATION_TIMER]: escalationStep(emergency) },
    pollMs: options.pollMs ?? 250,
    // A step that must wait for an earlier one (or hit a transient error) is retried soon: lateness matters here.
    retryBaseMs: 250,
  });
  holder.worker = worker;
  worker.start();
  return {
    handlers: emergencyHandlers(emergency),
    router: alertRoutes(emergency, deps.verifier),
    alertsOnSessionOpen: (ctx) => alertsOnSessionOpen(emergency, ctx),
    audienceOfOpenAlerts: (principals) => audienceOfOpenAlerts(deps.db, principals),
    close: () => worker.close(),
  };
}
