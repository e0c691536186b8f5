import type { Bus, ServiceHandlers } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import type { Broadcaster, HopTrace, Logger } from '@switchboard/runtime';
import type { WebhookOutbox } from '@switchboard/webhooks';
import type { GroupCommitter } from '../commit/group-committer.ts';

/** Every messaging command with its handler (derived from the bus registry). */
export type MessagingHandlers = ServiceHandlers<'messaging'>;

/** What every messaging handler needs, passed explicitly (no module state). */
export interface MessagingDeps {
  db: Db;
  bus: Bus;
  broadcaster: Broadcaster;
  log: Logger;
  committer: GroupCommitter;
  /** Webhook events (`room.created`), written in the transaction that caused them. */
  outbox?: WebhookOutbox;
  /** HOP_TRACE_EVERY's sampled messages (absent in tests). */
  hops?: HopTrace;
}
