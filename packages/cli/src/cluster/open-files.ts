import { spawnSync } from 'node:child_process';

/**
 * Open-file limits for the cluster's children. Every socket is a file descriptor: a gateway
 * holds one per client, nginx two per proxied WebSocket. Node cannot call setrlimit on itself,
 * so the runner starts each child through `sh -c 'ulimit -n N; exec …'`, raising its soft limit
 * up to the hard limit it inherited (only root with CAP_SYS_RESOURCE could go past that).
 */

/** What the runner asks for: enough for 100k sockets on one node if the hard limit allows. */
export const WANTED_OPEN_FILES = 131_072;
/** nginx's defaults (nginx.compose.conf carries them unclamped). */
export const NGINX_DEFAULT_RLIMIT_NOFILE = 65_536;
export const NGINX_DEFAULT_WORKER_CONNECTIONS = 32_768;
/** Files a worker keeps for itself (listening sockets, logs, temp files) besides connections. */
const NGINX_RESERVED_FILES = 100;

export interface OpenFileLimits {
  soft: number;
  hard: number;
}

/** `ulimit -n` / `ulimit -Hn` as a shell sees them (what the children inherit). Infinity for unlimited. */
export function currentOpenFileLimits(): OpenFileLimits | undefined {
  const result = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const [soft, hard] = result.stdout.trim().split('\n').map(parseLimit);
  if (soft === undefined || hard === undefined || Number.isNaN(soft) || Number.isNaN(hard)) return undefined;
  return { soft, hard };
}

export function parseLimit(text: string): number {
  const value = text.trim();
  return value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
}

/** The soft limit to give children: as much as wanted, never past the hard limit. */
export function childOpenFileLimit(limits: OpenFileLimits, wanted = WANTED_OPEN_FILES): number {
  return Math.min(wanted, limits.hard);
}

/** The log line that says what the children get and, when it is less than wanted, why. */
export function describeOpenFileLimit(limits: OpenFileLimits | undefined, wanted = WANTED_OPEN_FILES): string {
  if (!limits) return 'could not read the open-file limit (sh ulimit failed): children keep the inherited one';
  const chosen = childOpenFileLimit(limits, wanted);
  const raised = chosen > limits.soft ? `raised from ${limits.soft} to ${chosen}` : `${chosen}`;
  if (chosen >= wanted) return `children's open-file limit: ${raised}`;
  return (
    `children's open-file limit: ${raised}, capped by the hard limit ${limits.hard} (wanted ${wanted}); ` +
    'each gateway refuses sockets past MAX_CONNECTIONS before it runs out; raise the hard limit for more (docs/operations.md, "Capacity")'
  );
}

/** Wrap a command so it runs with this soft open-file limit; `exec` keeps the pid the supervisor tracks. */
export function withOpenFileLimit(
  spec: { command: string; args: string[] },
  limit: number | undefined,
): { command: string; args: string[] } {
  if (limit === undefined || !Number.isFinite(limit)) return spec;
  // "$0" "$@" are the command and its arguments, passed as separate words: nothing is re-parsed by the shell.
  return {
    command: 'sh',
    args: ['-c', `ulimit -n ${Math.floor(limit)} && exec "$0" "$@"`, spec.command, ...spec.args],
  };
}

/** nginx's per-worker figures for a given child limit: room for connections and its own files. */
export function nginxOpenFileSettings(limit: number | undefined): { rlimitNofile: number; workerConnections: number } {
  const rlimitNofile = Math.min(NGINX_DEFAULT_RLIMIT_NOFILE, limit ?? NGINX_DEFAULT_RLIMIT_NOFILE);
  return {
    rlimitNofile,
    workerConnections: Math.min(NGINX_DEFAULT_WORKER_CONNECTIONS, rlimitNofile - NGINX_RESERVED_FILES),
  };
}
