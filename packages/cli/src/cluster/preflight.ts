import { spawnSync } from 'node:child_process';
import { errorMessage, Redis } from '@switchboard/runtime';
import pg from 'pg';
import { isPortFree } from './ports.ts';

/** nginx must be on PATH; the answer says how to get it. */
export function checkNginx(): string | undefined {
  const result = spawnSync('nginx', ['-v'], { stdio: 'ignore' });
  if (result.error) return 'nginx: not found on PATH (Debian/Ubuntu: apt-get install -y nginx)';
  return undefined;
}

/** Every port the cluster will bind must be free, or we say which one is taken. */
export async function checkPortsFree(ports: { port: number; host: string; owner: string }[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { port, host, owner } of ports) {
    if (!(await isPortFree(port, host))) problems.push(`port ${port} (${owner}) is already in use`);
  }
  return problems;
}

export async function checkRedis(url: string): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `REDIS_URL: cannot reach ${redactUrlForLog(url)} (${errorMessage(error)})`;
  } finally {
    redis.disconnect();
  }
}

/**
 * Reach Postgres; when the server is up but the database does not exist yet (the local default
 * `switchboard` on a fresh machine), create it so `npm run cluster` needs no setup step.
 */
export async function ensureDatabase(url: string, say: (line: string) => void): Promise<string | undefined> {
  const attempt = async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await client.connect();
    await client.end();
  };
  try {
    await attempt();
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '3D000')
      return `DATABASE_URL: cannot connect to ${redactUrlForLog(url)} (${(error as Error).message})`;
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    say(`creating database "${name}"`);
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return undefined;
  } catch (error) {
    return `DATABASE_URL: database "${name}" does not exist and could not be created (${(error as Error).message})`;
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Hide a password in a URL before printing it. */
export function redactUrlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
