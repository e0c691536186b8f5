import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCentrifugoDriver } from '../load/centrifugo-driver.ts';
import { processTree } from '../load/cpu.ts';
import type { RunningSystem } from '../load/system.ts';
import { startNginx } from './nginx.ts';
import { type ChildHandle, freePort, spawnAndWait, waitForHttp } from './processes.ts';

/** Where the lead's recipe puts the binary (docs/performance.md): outside the repo, built once. */
export const CENTRIFUGO_BIN =
  process.env.CENTRIFUGO_BIN ?? path.join(os.homedir(), '.cache', 'switchboard-bench', 'centrifugo');
export const CENTRIFUGO_BUILD = `GOBIN=${path.dirname(CENTRIFUGO_BIN)} go install github.com/centrifugal/centrifugo/v6@v6.9.1`;

/** Why Centrifugo cannot run here, or undefined when its binary is in place. */
export function centrifugoMissing(): string | undefined {
  if (fs.existsSync(CENTRIFUGO_BIN)) return undefined;
  return `no Centrifugo binary at ${CENTRIFUGO_BIN}; build it with \`${CENTRIFUGO_BUILD}\` (needs Go)`;
}

/**
 * One node's config (Centrifugo v6 layout): the Redis engine (broker and presence, shared by both
 * nodes under one prefix), HS256 tokens, and channels that keep history with forced recovery —
 * its closest equivalent of "every message persisted with a position" — where any connected
 * client may subscribe and publish.
 */
export function centrifugoConfig(options: { port: number; jwtSecret: string; redisUrl: string; prefix: string }) {
  return {
    http_server: { address: '127.0.0.1', port: options.port },
    log: { level: 'warn' },
    engine: { type: 'redis', redis: { address: [options.redisUrl], prefix: options.prefix } },
    client: { token: { hmac_secret_key: options.jwtSecret }, allowed_origins: ['*'] },
    channel: {
      without_namespace: {
        history_size: 1000,
        history_ttl: '300s',
        force_recovery: true,
        allow_subscribe_for_client: true,
        allow_publish_for_client: true,
      },
    },
    health: { enabled: true },
    usage_stats: { disabled: true },
  };
}

/** Two Centrifugo nodes on the Redis engine behind nginx ip_hash. */
export async function startCentrifugo(options: {
  jwtSecret: string;
  redisUrl: string;
  prefix: string;
}): Promise<RunningSystem> {
  const missing = centrifugoMissing();
  if (missing) throw new Error(missing);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-centrifugo-'));
  const nodes: ChildHandle[] = [];
  const ports: number[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of ['node-1', 'node-2']) {
      const port = await freePort();
      const config = path.join(dir, `${name}.json`);
      fs.writeFileSync(config, JSON.stringify(centrifugoConfig({ ...options, port }), null, 2));
      nodes.push(
        await spawnAndWait({
          command: CENTRIFUGO_BIN,
          args: ['--config', config],
          env: { ...process.env, GOMAXPROCS: String(os.cpus().length) },
          cwd: dir,
          timeoutMs: 20_000,
          label: `centrifugo ${name}`,
        }),
      );
      ports.push(port);
      await waitForHttp(`http://127.0.0.1:${port}/health`, 20_000);
    }
    const listen = await freePort();
    nginx = await startNginx(listen, ports);
    const proxy = nginx;
    return {
      name: 'centrifugo',
      url: `http://127.0.0.1:${listen}`,
      driver: createCentrifugoDriver(options.jwtSecret),
      upstreams: nodes.length,
      gatewayPids: () => nodes.map((n) => n.pid),
      serverPids: () => processTree([proxy.pid, ...nodes.map((n) => n.pid)]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
