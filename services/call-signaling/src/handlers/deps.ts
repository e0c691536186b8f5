import type { ServiceHandlers } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import type { Broadcaster, Logger } from '@switchboard/runtime';
import type { WebhookOutbox } from '@switchboard/webhooks';
import type { MayCall } from '../access/may-call.ts';
import type { ApplyOutcome } from '../effects/outcomes.ts';
import type { CallTiming } from '../machine/timing.ts';
import type { QualityThresholds } from '../quality/thresholds.ts';

/** Every call-signaling command with its handler (derived from the bus registry). */
export type CallHandlers = ServiceHandlers<'call-signaling'>;

export interface CallDeps {
  db: Db;
  broadcaster: Broadcaster;
  log: Logger;
  outbox: WebhookOutbox;
  mayCall: MayCall;
  apply: ApplyOutcome;
  timing: CallTiming;
  quality: QualityThresholds;
  /** A durable timer was written that may be due soon: poll for it now. */
  wakeTimers: () => void;
  now?: () => Date;
}
