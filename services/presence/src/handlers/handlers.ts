import type { ServiceHandlers } from '@switchboard/bus';

/** Every presence command with its handler (derived from the bus registry). */
export type PresenceHandlers = ServiceHandlers<'presence'>;
