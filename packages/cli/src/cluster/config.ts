import { SERVICES } from '@switchboard/protocol';
import { BaseConfigSchema, DEV_JWT_SECRET, postgresUrl } from '@switchboard/runtime';
import { z } from 'zod';

/** The services `npm run cluster` starts (folders under services/): every owner of requests. */
export const CLUSTER_SERVICES = SERVICES;
export type ClusterServiceName = (typeof CLUSTER_SERVICES)[number];

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/switchboard';

/** Most processes of one service `REPLICAS` may ask for (the port plan reserves room for this many). */
export const MAX_REPLICAS = 8;

/**
 * Internal ports are derived from PORT (nginx's), so clusters on different PORTs do not collide:
 * gateway i listens on PORT+i, replica r of the service at index s on PORT+31+s+4·(r−1)
 * (for 8080 with one replica each: 8081, 8082 · 8111 … 8114; a second messaging on 8115).
 * Everything follows from PORT, GATEWAYS and REPLICAS (`clusterPorts` in ports.ts).
 */
export const GATEWAY_PORT_OFFSET = 1;
export const SERVICE_PORT_OFFSET = 31;
/** The highest offset the plan can use: PORT must leave room for it below 65536. */
export const MAX_PORT_OFFSET = SERVICE_PORT_OFFSET + CLUSTER_SERVICES.length * MAX_REPLICAS - 1;

export function servicePort(base: number, service: ClusterServiceName, replica: number): number {
  return base + SERVICE_PORT_OFFSET + (replica - 1) * CLUSTER_SERVICES.length + CLUSTER_SERVICES.indexOf(service);
}

/** How many processes of each service run: every service, at least one each. */
export type Replicas = Record<ClusterServiceName, number>;

const isService = (name: string): name is ClusterServiceName => (CLUSTER_SERVICES as readonly string[]).includes(name);

/**
 * `REPLICAS=messaging=2,presence=2`: services not named run once. Every bad entry is reported
 * (unknown service, a count that is not a whole number from 1 to MAX_REPLICAS, a repeated name).
 */
export const ReplicasSchema = z
  .string()
  .default('')
  .transform((text, ctx): Replicas => {
    const replicas = Object.fromEntries(CLUSTER_SERVICES.map((s) => [s, 1])) as Replicas;
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const entry of text
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(entry);
      if (!match) {
        problems.push(`"${entry}" is not <service>=<count>`);
        continue;
      }
      const name = match[1]!;
      const countText = match[2]!;
      const count = Number(countText);
      if (!isService(name)) problems.push(`unknown service "${name}" (known: ${CLUSTER_SERVICES.join(', ')})`);
      else if (seen.has(name)) problems.push(`${name} is named twice`);
      else if (!/^\d+$/.test(countText) || count < 1 || count > MAX_REPLICAS)
        problems.push(`${name}=${countText}: the count must be a whole number from 1 to ${MAX_REPLICAS}`);
      else replicas[name] = count;
      seen.add(name);
    }
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return problems.length > 0 ? z.NEVER : replicas;
  });

/** The REPLICAS text for `replicas` (the inverse of ReplicasSchema), for tools that start clusters. */
export function formatReplicas(replicas: Partial<Replicas>): string {
  return Object.entries(replicas)
    .map(([service, count]) => `${service}=${count}`)
    .join(',');
}

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
    .max(65535 - MAX_PORT_OFFSET)
    .default(8080),
  GATEWAYS: z.coerce.number().int().min(1).max(16).default(2),
  REPLICAS: ReplicasSchema,
  REDIS_URL: z.string().url().default(DEFAULT_REDIS_URL),
  DATABASE_URL: postgresUrl().default(DEFAULT_DATABASE_URL),
  CLUSTER_STATE_DIR: z.string().min(1).default('.cluster'),
  NGINX_CONN_PER_IP: z.coerce.number().int().positive().default(2000),
  NGINX_REQ_PER_IP: z.coerce.number().int().positive().default(200),
});
export type ClusterRunnerConfig = z.infer<typeof ClusterRunnerSchema>;

export interface ProcessPlan {
  /** Unique in the cluster: `gateway-2`, `presence`, or `messaging-1` when there are replicas. */
  name: string;
  kind: 'gateway' | 'service';
  /** Folder under services/. */
  service: string;
  port: number;
  env: Record<string, string>;
}

/** A service's process name: the service itself when it runs once, `<service>-<r>` for replicas. */
export function replicaName(service: ClusterServiceName, replica: number, count: number): string {
  return count === 1 ? service : `${service}-${replica}`;
}

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
  for (const service of CLUSTER_SERVICES) {
    const count = config.REPLICAS[service];
    for (let replica = 1; replica <= count; replica++) {
      const port = servicePort(config.PORT, service, replica);
      plans.push({
        name: replicaName(service, replica, count),
        kind: 'service',
        service,
        port,
        env: { ...shared, SERVICE_PORT: String(port) },
      });
    }
  }
  return plans;
}
