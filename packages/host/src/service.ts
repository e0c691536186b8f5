import type http from 'node:http';
import type { Bus } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import type { BaseEnv, Broadcaster, Logger, Metrics, ReadinessCheck, Redis, TokenVerifier } from '@switchboard/runtime';
import type { Router } from 'express';

/** What every module's `start(deps)` receives. Nothing is a module-level singleton. */
export interface ProcessDeps {
  config: BaseEnv;
  log: Logger;
  metrics: Metrics;
  bus: Bus;
  verifier: TokenVerifier;
  /** Present in cluster mode; absent in the embedded mode (use the in-memory implementation). */
  redis?: Redis;
}

/** The edge additionally gets the process's HTTP server, to attach Socket.IO to. */
export interface EdgeDeps extends ProcessDeps {
  /** The host mounts `router` on it and owns it: the module never closes it. */
  httpServer: http.Server;
  /** Unique per process: the gateway's `serverId`. */
  instanceId: string;
}

/** A service behind the gateway additionally owns tables and reaches clients through the broadcaster. */
export interface ServiceDeps extends ProcessDeps {
  db: Db;
  /** Reach clients: Socket.IO server (embedded) or redis-emitter (cluster). */
  broadcaster: Broadcaster;
}

export interface RunningService {
  /** REST routes, mounted at `/api` by the host (the service's own port, or the embedded server). */
  router?: Router;
  /** Extra readiness checks for `/readyz`. */
  readiness?: Record<string, ReadinessCheck>;
  /** False while the module refuses new work (a draining gateway): `/readyz` then fails. */
  isAccepting?(): boolean;
  /** First phase of a shutdown: stop taking work while the rest of the process still runs. */
  drain?(): Promise<void>;
  /** Upper bound on `drain` (default: the lifecycle's). */
  drainTimeoutMs?: number;
  close(): Promise<void>;
}

/** A service: commands over the bus, its own tables, clients reached through the broadcaster. */
export interface ServiceModule<R extends RunningService = RunningService> {
  name: string;
  kind?: 'service';
  start(deps: ServiceDeps): Promise<R>;
}

/** The edge (the gateway): holds client sockets, owns no tables, needs no Postgres. */
export interface EdgeModule<R extends RunningService = RunningService> {
  name: string;
  kind: 'edge';
  /** This process's instance id from its config (default `hostname-pid`). */
  instanceId?(config: BaseEnv): string | undefined;
  start(deps: EdgeDeps): Promise<R>;
}

export type ProcessModule = ServiceModule | EdgeModule;
