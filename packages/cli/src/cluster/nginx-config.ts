import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@switchboard/db';
import { stageWebRoot } from '../web-root.ts';

export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'nginx', 'nginx.conf.template');

/** Where each upstream of the template points (host:port). */
export interface NginxUpstreams {
  listen: number;
  gateways: string[];
  messaging: string;
  presence: string;
  'call-signaling': string;
  notification: string;
}

const server = (address: string) => `    server ${address} max_fails=1 fail_timeout=5s;`;

/** Fill the template's {{NAME}} placeholders; an unknown or unfilled placeholder is an error. */
export function renderNginxConfig(template: string, prefix: string, upstreams: NginxUpstreams): string {
  const values: Record<string, string> = {
    PREFIX: prefix,
    LISTEN: String(upstreams.listen),
    GATEWAY_SERVERS: upstreams.gateways.map(server).join('\n'),
    MESSAGING_SERVER: server(upstreams.messaging),
    PRESENCE_SERVER: server(upstreams.presence),
    CALL_SIGNALING_SERVER: server(upstreams['call-signaling']),
    NOTIFICATION_SERVER: server(upstreams.notification),
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
export async function writeNginxConfig(upstreams: NginxUpstreams): Promise<{ prefix: string; confPath: string }> {
  const prefix = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-nginx-'));
  await fs.chmod(prefix, 0o755);
  await fs.mkdir(path.join(prefix, 'temp'), { mode: 0o755 });
  await stageWebRoot(path.join(prefix, 'web'));
  const template = await fs.readFile(NGINX_TEMPLATE, 'utf8');
  const confPath = path.join(prefix, 'nginx.conf');
  try {
    await fs.writeFile(confPath, renderNginxConfig(template, prefix, upstreams));
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
