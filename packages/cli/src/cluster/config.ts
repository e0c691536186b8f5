import { SERVICES } from '@switchboard/protocol';
import { BaseConfigSchema, DEV_JWT_SECRET, postgresUrl } from '@switchboard/runtime';
import { z } from 'zod';

/** The services `npm run cluster` starts one process each for (folders under services/): every owner of requests. */
export const CLUSTER_SERVICES = SERVICES;
export type ClusterServiceName = (typeof CLUSTER_SERVICES)[number];

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/switchboard';

/**
 * The supervisor's own settings. Redis and Postgres default to this machine's local servers so
 * `npm run cluster` works without setup; the JWT secret falls back to the dev default, loudly.
 */
export const ClusterRunnerSchema = BaseConfigSchema.pick({
  REDIS_PREFIX: true,
  JWT_SECRET: true,
  JWT_PUBLIC_KEY: true,
  LOG_LEVEL: true,
}).extend({
  PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535 - 40)
    .default(8080),
  GATEWAYS: z.coerce.number().int().min(1).max(16).default(2),
  REDIS_URL: z.string().url().default(DEFAULT_REDIS_URL),
  DATABASE_URL: postgresUrl().default(DEFAULT_DATABASE_URL),
  CLUSTER_STATE_DIR: z.string().min(1).default('.cluster'),
});
export type ClusterRunnerConfig = z.infer<typeof ClusterRunnerSchema>;

export interface ProcessPlan {
  name: string;
  kind: 'gateway' | 'service';
  /** Folder under services/. */
  service: string;
  port: number;
  env: Record<string, string>;
}

/**
 * Internal ports are derived from PORT (nginx's), so clusters on different PORTs do not collide:
 * gateway i listens on PORT+i, the services on PORT+31… (for 8080: 8081, 8082 · 8111 … 8114).
 */
export const GATEWAY_PORT_OFFSET = 1;
export const SERVICE_PORT_OFFSET = 31;

export function planProcesses(config: ClusterRunnerConfig): ProcessPlan[] {
  const shared: Record<string, string> = {
    REDIS_URL: config.REDIS_URL,
    REDIS_PREFIX: config.REDIS_PREFIX,
    DATABASE_URL: config.DATABASE_URL,
    JWT_SECRET: config.JWT_SECRET ?? DEV_JWT_SECRET,
    HOST: '127.0.0.1',
  };
  const plans: ProcessPlan[] = [];
  for (let i = 1; i <= config.GATEWAYS; i++) {
    const id = `gateway-${i}`;
    const port = config.PORT + GATEWAY_PORT_OFFSET + i - 1;
    plans.push({
      name: id,
      kind: 'gateway',
      service: 'gateway',
      port,
      env: { ...shared, SERVICE_PORT: String(port), GATEWAY_ID: id },
    });
  }
  CLUSTER_SERVICES.forEach((service, index) => {
    const port = config.PORT + SERVICE_PORT_OFFSET + index;
    plans.push({ name: service, kind: 'service', service, port, env: { ...shared, SERVICE_PORT: String(port) } });
  });
  return plans;
}
