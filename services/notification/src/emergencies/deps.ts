import type { Bus } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import type { EscalationStep } from '@switchboard/protocol';
import type { Broadcaster, Logger } from '@switchboard/runtime';
import type { WebhookOutbox } from '@switchboard/webhooks';

/** What every part of the emergency feature receives from `startEmergencies`. */
export interface EmergencyDeps {
  db: Db;
  bus: Bus;
  broadcaster: Broadcaster;
  log: Logger;
  outbox: WebhookOutbox;
  /** `EMERGENCY_ESCALATION` parsed: snapshotted into every new alert. */
  policy: EscalationStep[];
  /** Called after a transaction scheduled a step, so the worker polls at once if it is due soon. */
  wakeWorker(): void;
  now(): Date;
}

/** Timer kind of escalation steps; key `${alertId}:${level}`. */
export const ESCALATION_TIMER = 'emergency.escalation';
