import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@switchboard/db';
import { stageWebRoot } from '../web-root.ts';
import type { ClusterServiceName, ProcessPlan } from './config.ts';
import { NGINX_DEFAULT_RLIMIT_NOFILE, NGINX_DEFAULT_WORKER_CONNECTIONS } from './open-files.ts';

export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'nginx', 'nginx.conf.template');

/** Where each upstream of the template points (host:port): every replica of each. */
export interface NginxUpstreams {
  listen: number;
  gateways: string[];
  messaging: string[];
  presence: string[];
  'call-signaling': string[];
  notification: string[];
}

/** The upstreams for a cluster's plan: its gateways, and every replica of each service. */
export function nginxUpstreams(listen: number, plans: ProcessPlan[]): NginxUpstreams {
  const at = (filter: (p: ProcessPlan) => boolean) => plans.filter(filter).map((p) => `127.0.0.1:${p.port}`);
  const replicasOf = (service: ClusterServiceName) => at((p) => p.kind === 'service' && p.service === service);
  return {
    listen,
    gateways: at((p) => p.kind === 'gateway'),
    messaging: replicasOf('messaging'),
    presence: replicasOf('presence'),
    'call-signaling': replicasOf('call-signaling'),
    notification: replicasOf('notification'),
  };
}

/**
 * Per client address, at nginx (docs/operations.md, "Limits"); requests may burst to 10× the rate.
 * Per worker: its open-file limit and connections (clamped to the runner's hard limit, open-files.ts).
 */
export interface NginxLimits {
  connPerIp: number;
  reqPerIp: number;
  rlimitNofile: number;
  workerConnections: number;
}
export const DEFAULT_NGINX_LIMITS: NginxLimits = {
  connPerIp: 2000,
  reqPerIp: 200,
  rlimitNofile: NGINX_DEFAULT_RLIMIT_NOFILE,
  workerConnections: NGINX_DEFAULT_WORKER_CONNECTIONS,
};

// A refused connection marks a replica down for 5 s; nginx sends the request to the next one.
const servers = (addresses: string[]) => {
  if (addresses.length === 0) throw new Error('nginx template: an upstream needs at least one server');
  return addresses.map((address) => `    server ${address} max_fails=1 fail_timeout=5s;`).join('\n');
};

/** Fill the template's {{NAME}} placeholders; an unknown or unfilled placeholder is an error. */
export function renderNginxConfig(
  template: string,
  prefix: string,
  upstreams: NginxUpstreams,
  limits: NginxLimits = DEFAULT_NGINX_LIMITS,
): string {
  const values: Record<string, string> = {
    CONN_PER_IP: String(limits.connPerIp),
    REQ_PER_IP: String(limits.reqPerIp),
    REQ_BURST: String(limits.reqPerIp * 10),
    WORKER_RLIMIT_NOFILE: String(limits.rlimitNofile),
    WORKER_CONNECTIONS: String(limits.workerConnections),
    PREFIX: prefix,
    LISTEN: String(upstreams.listen),
    GATEWAY_SERVERS: servers(upstreams.gateways),
    MESSAGING_SERVERS: servers(upstreams.messaging),
    PRESENCE_SERVERS: servers(upstreams.presence),
    CALL_SIGNALING_SERVERS: servers(upstreams['call-signaling']),
    NOTIFICATION_SERVERS: servers(upstreams.notification),
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`nginx template: unknown placeholder {{${name}}}`);
    return value;
  });
}

/**
 * Render the config into a fresh prefix directory under the OS temp dir. The directory is
 * world-traversable because nginx's workers drop to an unprivileged user when started as root.
 */
export async function writeNginxConfig(
  upstreams: NginxUpstreams,
  limits: NginxLimits = DEFAULT_NGINX_LIMITS,
): Promise<{ prefix: string; confPath: string }> {
  const prefix = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-nginx-'));
  await fs.chmod(prefix, 0o755);
  await fs.mkdir(path.join(prefix, 'temp'), { mode: 0o755 });
  await stageWebRoot(path.join(prefix, 'web'));
  const template = await fs.readFile(NGINX_TEMPLATE, 'utf8');
  const confPath = path.join(prefix, 'nginx.conf');
  try {
    await fs.writeFile(confPath, renderNginxConfig(template, prefix, upstreams, limits));
  } catch (error) {
    await fs.rm(prefix, { recursive: true, force: true });
    throw error;
  }
  return { prefix, confPath };
}

/** Arguments for nginx in the foreground with our prefix, config and error log. */
export function nginxArgs(prefix: string, confPath: string): string[] {
  return ['-p', prefix, '-c', confPath, '-e', 'stderr', '-g', 'daemon off;'];
}
