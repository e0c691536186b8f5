import type { Driver } from './driver.ts';

export const SYSTEM_NAMES = ['switchboard', 'socketio-single', 'socketio-redis-naive'] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

/** A system under test, started and ready. */
export interface RunningSystem {
  name: SystemName;
  /** Where clients connect (nginx for the clustered systems). */
  url: string;
  driver: Driver;
  /** The processes that hold client sockets, for memory per connection. */
  gatewayPids(): number[];
  stop(): Promise<void>;
}
