import type { ServiceHandlers } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import type { Broadcaster, Logger } from '@switchboard/runtime';

type AllHandlers = ServiceHandlers<'notification'>;
type EmergencyCommand = Extract<keyof AllHandlers, `emergency:${string}`>;

/**
 * The notification commands this part of the service answers: everything but `emergency:*`,
 * which `src/emergencies/` answers. `index.ts` merges the two into the complete map.
 */
export type NotificationHandlers = Omit<AllHandlers, EmergencyCommand>;

/** What the inbox, topics, publish and session handlers need, passed explicitly (no module state). */
export interface NotificationDeps {
  db: Db;
  broadcaster: Broadcaster;
  log: Logger;
}
