import type { Bus } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import type { BaseEnv, Broadcaster, Logger, Metrics, ReadinessCheck, Redis, TokenVerifier } from '@switchboard/runtime';
import type { Router } from 'express';

/** What every service's `start(deps)` receives. Nothing is a module-level singleton. */
export interface ServiceDeps {
  config: BaseEnv;
  log: Logger;
  metrics: Metrics;
  bus: Bus;
  db: Db;
  /** Reach clients: Socket.IO server (embedded) or redis-emitter (cluster). */
  broadcaster: Broadcaster;
  verifier: TokenVerifier;
  /** Present in cluster mode; absent in the embedded mode (use the in-memory implementation). */
  redis?: Redis;
}

export interface RunningService {
  /** REST routes, mounted at `/api` by the host (the service's own port, or the embedded server). */
  router?: Router;
  /** Extra readiness checks for `/readyz`. */
  readiness?: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

export interface ServiceModule {
  name: string;
  start(deps: ServiceDeps): Promise<RunningService>;
}
