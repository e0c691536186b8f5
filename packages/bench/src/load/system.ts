import type { HopMark } from '@switchboard/runtime';
import type { ProcessScrape } from '../report/hops.ts';
import type { Driver } from './driver.ts';

export const SYSTEM_NAMES = [
  'switchboard',
  // The compiled cluster of another checkout (`--baseline=<dir>`): before/after in one run.
  'switchboard-baseline',
  'centrifugo',
  'socketio-redis-plain',
  'socketio-single',
  'socketio-redis-naive',
] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

/** A system under test, started and ready. */
export interface RunningSystem {
  name: SystemName;
  /** Where clients connect (nginx for the clustered systems). */
  url: string;
  driver: Driver;
  /** Replicas behind nginx ip_hash (1 without nginx): clients are bound to addresses that split evenly over them. */
  upstreams: number;
  /** The processes that hold client sockets, for memory per connection. */
  gatewayPids(): number[];
  /** Every process of the system (servers, nginx master and workers, the cluster's children), for CPU. */
  serverPids(): number[];
  /** Switchboard: its gateway and service processes (name, pid, internal port), for their idle memory. */
  processes?(): { name: string; pid: number; port: number }[];
  /** Every process's /metrics (Switchboard only: the peers export none), for the hop breakdown. */
  scrapeMetrics?(): Promise<ProcessScrape[]>;
  /** Switchboard: 1 in N messages traced hop by hop (HOP_TRACE_EVERY), and every process's marks. */
  hopTrace?: { every: number; scrape(): Promise<{ process: string; marks: HopMark[] }[]> };
  /** The last lines the system printed (Switchboard: the cluster's), shown when a scenario fails. */
  logTail?(): string;
  stop(): Promise<void>;
}
